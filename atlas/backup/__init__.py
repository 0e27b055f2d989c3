"""Backups: one archive of every layer and the account/history store (archive), made of parts (parts)."""
