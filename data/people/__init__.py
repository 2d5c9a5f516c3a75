"""People and their personal data: accounts, logins, the identity vault, erasure."""
