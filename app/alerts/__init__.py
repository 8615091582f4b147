"""Alerts: rules evaluated periodically and on demand, deduplicated, acknowledged and resolved by staff."""
