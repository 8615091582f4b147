"""Disputes: a contact contests an amount of an invoice; staff accept, partially accept or reject it."""
