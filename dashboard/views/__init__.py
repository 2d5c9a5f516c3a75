"""Flask pages of accounts and staff: log in, administration, moderation, the vault."""
