"""The load test's helpers: its server and ingest, its simulated users, its report."""
