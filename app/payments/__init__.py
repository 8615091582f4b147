"""Payments received from customers."""
