"""Payments: one service records every payment (card, wire, check, ACH) and its allocations exactly once."""
