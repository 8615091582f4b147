"""Alerts: one live alert per customer and rule, kept in step with its condition by every evaluation
(escalated, eased, closed with a note) and worked by staff (acknowledged, snoozed, resolved); docs/alerts.md."""
