"""The write side of incidents: report forms, workflow, consents, audit, demo data."""
