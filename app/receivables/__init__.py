"""Receivables as of any date: open items, aging, DSO and friends (metrics.md)."""
