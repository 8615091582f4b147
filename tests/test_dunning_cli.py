"""``ledgerport dunning run``, run as a user runs it: a real process on a fresh, seeded database."""

from __future__ import annotations

import re
import sqlite3

from tests.test_cli import cli_env, ledgerport  # noqa: F401 - the fixture


def test_a_dry_run_reports_and_writes_nothing_then_a_run_sends_once(cli_env):  # noqa: F811
    cli_env = cli_env | {"LEDGERPORT_NOW": "2026-12-01T18:00:00Z"}
    assert ledgerport(cli_env, "migrate").returncode == 0
    seeded = ledgerport(cli_env, "seed", "--tenant", "northwind", "--customers", "6", "--months", "6")
    assert seeded.returncode == 0, seeded.stderr
    db = sqlite3.connect(cli_env["LEDGERPORT_DATABASE_URL"].removeprefix("sqlite://"))

    dry = ledgerport(cli_env, "dunning", "run", "--tenant", "northwind", "--dry-run")
    runs_after_dry = db.execute("SELECT COUNT(*) FROM dunning_run").fetchone()[0]
    real = ledgerport(cli_env, "dunning", "run", "--tenant", "northwind")
    again = ledgerport(cli_env, "dunning", "run", "--tenant", "northwind", "--as-of", "2026-12-01")
    unknown = ledgerport(cli_env, "dunning", "run", "--tenant", "nowhere")

    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("dunning northwind as of 2026-12-01 (dry run)\n")
    would = int(re.search(r"^(\d+) would send, (\d+) skipped$", dry.stdout, re.M).group(1))
    assert would >= 1, dry.stdout
    assert runs_after_dry == 0
    assert real.returncode == 0, real.stderr
    assert re.search(rf"^{would} sent, \d+ skipped$", real.stdout, re.M), real.stdout
    assert db.execute("SELECT COUNT(*) FROM dunning_message").fetchone()[0] == would
    assert again.returncode == 0 and re.search(r"^0 sent, \d+ skipped$", again.stdout, re.M), again.stdout
    assert unknown.returncode == 2 and "unknown tenant 'nowhere'" in unknown.stderr
