"""The in-memory read model of the public records: read, build, select, aggregate."""
