"""Curation: browser and API edits (edits), their history, accounts and tokens."""
