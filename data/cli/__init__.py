"""Command-line wiring of the data commands: accounts, data protection, exports."""
