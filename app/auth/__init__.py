"""Authentication (who is calling) and permissions (what each role may do)."""
