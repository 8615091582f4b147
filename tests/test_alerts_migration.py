"""Migration 0007 on a database with alerts of the old kind: one per invoice and threshold."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from tests.conftest import ROOT
from tests.test_settlement_sums import _UPGRADE

STAMP = "'2026-01-01 00:00:00', '2026-01-01 00:00:00'"
OLD_ALERTS = f"""
INSERT INTO tenant (id, slug, name, base_currency, timezone, created_at, updated_at)
  VALUES (1, 't', 'T', 'USD', 'UTC', {STAMP});
INSERT INTO customer_account (id, tenant_id, external_id, account_number, legal_name, region, country, segment,
    currency, payment_terms_days, risk_rating, kyc_status, onboarding_status, is_intercompany, sales_owner,
    billing_address, billing_email, tax_id, created_at, updated_at)
  VALUES (1, 1, 'C1', 'ACC1', 'One', '', 'US', '', 'USD', 30, 'B', 'approved', 'approved', 0, '', '', '', '', {STAMP}),
         (2, 1, 'C2', 'ACC2', 'Two', '', 'US', '', 'USD', 30, 'B', 'approved', 'approved', 0, '', '', '', '', {STAMP});
INSERT INTO alert (id, tenant_id, customer_id, rule, severity, status, dedupe_key, message, details,
    created_at, updated_at)
  VALUES (1, 1, 1, 'invoice_overdue', 'warning', 'open', 'invoice_overdue:10:30', 'm', '{{}}', {STAMP}),
         (2, 1, 1, 'invoice_overdue', 'critical', 'acknowledged', 'invoice_overdue:11:90', 'm', '{{}}', {STAMP}),
         (3, 1, 1, 'invoice_overdue', 'warning', 'open', 'invoice_overdue:12:60', 'm', '{{}}', {STAMP}),
         (4, 1, 2, 'kyc_review_due', 'warning', 'open', 'kyc_review:2:2026-02-01:due', 'm', '{{}}', {STAMP}),
         (5, 1, 2, 'kyc_review_overdue', 'critical', 'open', 'kyc_review:2:2026-02-01:overdue', 'm', '{{}}',
          {STAMP}),
         (6, 1, 1, 'billing_details_changed', 'info', 'open', 'billing_details_changed:1:7', 'm', '{{}}', {STAMP}),
         (7, 1, 1, 'billing_details_changed', 'info', 'open', 'billing_details_changed:1:8', 'm', '{{}}', {STAMP}),
         (8, 1, 2, 'payment_failed', 'warning', 'resolved', 'payment_failed:pi_1', 'm', '{{}}', {STAMP});
"""


def test_upgrading_merges_the_live_alerts_to_one_per_customer_and_rule(tmp_path):
    path = tmp_path / "upgrade.sqlite3"

    def migrate(*target: str) -> None:
        done = subprocess.run(
            [sys.executable, "-c", _UPGRADE, f"sqlite://{path}", *target],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    migrate("models.0005_settlement_balances")
    with sqlite3.connect(path) as db:
        db.executescript(OLD_ALERTS)
    migrate()

    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT id, rule, status, live_key, resolution_note FROM alert ORDER BY id"
        ).fetchall()
        duplicate = "INSERT INTO alert (tenant_id, customer_id, rule, severity, status, dedupe_key, message, "
        duplicate += "details, live_key, created_at, updated_at) VALUES (1, 1, 'invoice_overdue', 'warning', "
        duplicate += f"'open', 'x', 'm', '{{}}', 'invoice_overdue:1', {STAMP})"
        try:
            db.execute(duplicate)
            refused = False
        except sqlite3.IntegrityError:
            refused = True
    merged = "merged into the one alert per customer and rule"
    assert rows == [
        (1, "invoice_overdue", "resolved", None, merged),
        (2, "invoice_overdue", "acknowledged", "invoice_overdue:1", None),  # the acknowledged one is kept
        (3, "invoice_overdue", "resolved", None, merged),
        (4, "kyc_review", "resolved", None, merged),
        (5, "kyc_review", "open", "kyc_review:2", None),  # else the newest
        (6, "billing_details_changed", "open", None, None),  # event alerts stay one per event
        (7, "billing_details_changed", "open", None, None),
        (8, "payment_failed", "resolved", None, None),
    ]
    assert refused
