"""Readers the public outputs share: rows, table pages, one record, area counts."""
