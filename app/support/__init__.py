"""Billing queries: contacts raise and reply to them in the portal, support staff work them in a queue."""
