"""The store: engines, tables, migrations, database failures, kept secrets."""
