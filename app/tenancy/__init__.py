"""Tenants: their configuration files, validation at start-up, and the rows synced from them."""
