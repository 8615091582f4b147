"""The ``ledgerport`` command line, run as a user runs it: a real process on a fresh database."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LEDGERPORT_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "LEDGERPORT_TENANTS_DIR": str(ROOT / "tenants"),
        "LEDGERPORT_ENV": "development",
    }


def ledgerport(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_migrate_creates_the_schema_and_the_tenant_rows(cli_env):
    result = ledgerport(cli_env, "migrate")

    assert result.returncode == 0, result.stderr
    assert "tenants: cloudly, northwind" in result.stdout
    db = sqlite3.connect(cli_env["LEDGERPORT_DATABASE_URL"].removeprefix("sqlite://"))
    assert db.execute("SELECT slug, base_currency FROM tenant ORDER BY slug").fetchall() == [
        ("cloudly", "EUR"),
        ("northwind", "USD"),
    ]
    again = ledgerport(cli_env, "migrate")
    assert again.returncode == 0, again.stderr


def test_tokens_create_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash(cli_env):
    ledgerport(cli_env, "migrate")

    result = ledgerport(
        cli_env, "tokens", "create", "--tenant", "northwind", "--role", "finance", "--name", "erp"
    )

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("lp_") and " " not in token
    db = sqlite3.connect(cli_env["LEDGERPORT_DATABASE_URL"].removeprefix("sqlite://"))
    stored = db.execute("SELECT name, role, token_hash FROM api_token").fetchall()
    assert stored == [("erp", "finance", hashlib.sha256(token.encode()).hexdigest())]
    audit = db.execute("SELECT action, actor FROM audit_event").fetchall()
    assert audit == [("token.created", "cli")]
    listed = ledgerport(cli_env, "tokens", "list", "--tenant", "northwind")
    assert "erp" in listed.stdout and token not in listed.stdout


def test_tokens_create_for_an_unknown_tenant_exits_2_with_a_message(cli_env):
    ledgerport(cli_env, "migrate")

    result = ledgerport(cli_env, "tokens", "create", "--tenant", "nowhere", "--role", "admin", "--name", "x")

    assert result.returncode == 2
    assert "unknown tenant 'nowhere'" in result.stderr and "Traceback" not in result.stderr


def test_serve_answers_health_and_graphql_with_a_created_token_and_401_after_revocation(cli_env):
    ledgerport(cli_env, "migrate")
    token = ledgerport(
        cli_env, "tokens", "create", "--tenant", "cloudly", "--role", "viewer", "--name", "bot"
    )
    secret = token.stdout.strip().splitlines()[-1]
    port = free_port()
    # The revocation comes from another process (this CLI), which a server sees within its token-check
    # bound (10 s, tested with the clock in test_token_cache.py); 0 makes it read the row every time.
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**cli_env, "LEDGERPORT_TOKEN_CHECK_SECONDS": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        query = {"query": "{ viewer { tenant { slug } role } }"}
        ok = httpx.post(f"{base}/graphql", json=query, headers={"Authorization": f"Bearer {secret}"})
        assert ok.json() == {"data": {"viewer": {"tenant": {"slug": "cloudly"}, "role": "viewer"}}}

        ledgerport(cli_env, "tokens", "revoke", "--tenant", "cloudly", "--name", "bot")
        refused = httpx.post(f"{base}/graphql", json=query, headers={"Authorization": f"Bearer {secret}"})
        assert refused.status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_demo_migrates_issues_a_working_token_per_tenant_and_serves(cli_env):
    """On the 1st of a month (in both tenants' time zones), where the demo used to refuse its own seed."""
    port, stripe_port = free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "demo", "--port", str(port), "--scale", "0.02"],
        cwd=ROOT,
        env=cli_env
        | {"LEDGERPORT_DEMO_STRIPE_PORT": str(stripe_port), "LEDGERPORT_NOW": "2027-03-01T12:00:00Z"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        tokens: dict[str, str] = {}
        stripe_line = ""
        deadline = time.monotonic() + 300
        while (len(tokens) < 2 or not stripe_line) and time.monotonic() < deadline:
            line = server.stdout.readline()
            if "admin token:" in line:
                slug, _, token = line.strip().partition(" admin token:")
                tokens[slug.strip()] = token.strip()
            if "Card payments (localstripe):" in line:
                stripe_line = line
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)

        for slug, token in tokens.items():
            answer = httpx.post(
                f"{base}/graphql",
                json={"query": "{ viewer { tenant { slug } role } }"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.json() == {"data": {"viewer": {"tenant": {"slug": slug}, "role": "admin"}}}
        assert sorted(tokens) == ["cloudly", "northwind"]
        assert f"http://127.0.0.1:{stripe_port}" in stripe_line
        assert "test card 4242424242424242," in stripe_line  # typed as printed, the pay page takes it
        assert httpx.get(f"http://127.0.0.1:{stripe_port}/js.stripe.com/v3/").status_code == 200
    finally:
        server.terminate()
        # A stop lets the in-process job that is running finish its try; on this Monday the 1st that is
        # the weekly pay-date model training and the month-end statements, tens of seconds on a busy CI.
        server.wait(timeout=90)


def test_balances_verify_finds_a_drifted_sum_and_rebuild_repairs_it(cli_env):
    # The seeded history is dated from today: pin the clock so there are settled invoices whatever the
    # day the suite runs (with three months of history some days had none, and nothing could drift).
    cli_env = cli_env | {"LEDGERPORT_NOW": "2026-12-01T12:00:00Z"}
    assert ledgerport(cli_env, "migrate").returncode == 0
    seeded = ledgerport(cli_env, "seed", "--tenant", "northwind", "--customers", "6", "--months", "6")
    assert seeded.returncode == 0, seeded.stderr
    assert ledgerport(cli_env, "balances", "verify", "--tenant", "northwind").returncode == 0
    db = sqlite3.connect(cli_env["LEDGERPORT_DATABASE_URL"].removeprefix("sqlite://"))
    with db:
        (invoice_id,) = db.execute("SELECT MIN(id) FROM invoice WHERE settled > 0").fetchone()
        assert invoice_id is not None, "the seed settled no invoice"
        db.execute("UPDATE invoice SET settled = settled + 1 WHERE id = ?", (invoice_id,))

    broken = ledgerport(cli_env, "balances", "verify", "--tenant", "northwind")
    repaired = ledgerport(cli_env, "balances", "rebuild", "--tenant", "northwind")
    after = ledgerport(cli_env, "balances", "verify", "--tenant", "northwind")

    assert broken.returncode == 1
    assert f"invoice {invoice_id}: stored" in broken.stdout
    assert "1 row(s) disagree with their movements" in broken.stderr
    assert repaired.returncode == 0, repaired.stderr
    assert after.returncode == 0 and "every maintained sum agrees" in after.stdout
    assert ledgerport(cli_env, "balances", "verify", "--tenant", "nowhere").returncode == 2


def test_every_command_that_runs_a_batch_prints_each_problem_of_a_refused_one(monkeypatch, capsys):
    """``seed`` and ``demo`` said only "the batch has 3 problem(s)"; ``import`` named them. They now share
    run_with_db, which prints every problem on its own line, whoever raised the refusal. (No database is
    opened: this process's test database stays as it is.)"""
    from app.cli import base
    from app.cli.base import run_with_db
    from app.settings import Settings

    async def nothing(*_args, **_kwargs) -> None:
        return None

    monkeypatch.setattr(base.lifecycle, "open_database", nothing)
    monkeypatch.setattr(base.lifecycle, "close_database", nothing)
    settings = Settings()
    from app.errors import ValidationFailed
    from app.ingest.problems import Problem

    problems = [
        Problem("fxRates", 3, "date", "duplicate_key", "EUR on 2026-12-01 is given twice"),
        Problem("invoices", 7, "dueDate", "invalid_date", "dueDate must be a date like 2026-06-30"),
    ]

    async def refused():
        raise ValidationFailed("the batch has 2 problem(s); nothing was imported", problems)

    with pytest.raises(SystemExit) as exited:
        run_with_db(settings, refused)

    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert "the batch has 2 problem(s)" in err
    for problem in problems:
        assert str(problem) in err
