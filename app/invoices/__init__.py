"""Invoices as of a date: open amounts, what was applied to them, and when they will likely be paid."""
