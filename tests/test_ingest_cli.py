"""``ledgerport import / export / seed`` run as real commands against a temporary SQLite database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest_batches import WORKED_EXAMPLE, with_everything

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "LEDGERPORT_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}", "COLUMNS": "120"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("migrate").returncode == 0
    return run


def summary(stdout: str) -> dict[str, tuple[int, int, int]]:
    """record type -> (created, updated, unchanged) from the printed table."""
    found = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 4 and cells[1].isdigit():
            found[cells[0]] = tuple(int(c) for c in cells[1:])
    return found


def test_given_a_json_batch_when_imported_twice_then_the_second_summary_is_all_unchanged(cli):
    first = cli("import", "--tenant", "northwind", str(WORKED_EXAMPLE))
    second = cli("import", "--tenant", "northwind", str(WORKED_EXAMPLE))

    assert first.returncode == 0, first.stderr
    assert summary(first.stdout) == {
        "fxRates": (1, 0, 0),
        "customers": (1, 0, 0),
        "invoices": (3, 0, 0),
        "creditNotes": (1, 0, 0),
        "payments": (2, 0, 0),
    }
    assert second.returncode == 0
    assert {t: c[2] for t, c in summary(second.stdout).items()} == {
        "fxRates": 1,
        "customers": 1,
        "invoices": 3,
        "creditNotes": 1,
        "payments": 2,
    }


def test_given_a_bad_batch_when_imported_then_exit_1_lists_every_problem_and_nothing_is_written(
    cli, tmp_path
):
    bad = json.loads(WORKED_EXAMPLE.read_text())
    bad["invoices"][0]["customer"] = "NOPE"
    bad["payments"][1]["currency"] = "XYZ"
    (tmp_path / "bad.json").write_text(json.dumps(bad))

    result = cli("import", "--tenant", "northwind", str(tmp_path / "bad.json"))

    assert result.returncode == 1
    assert "invoices[0].customer: unknown_customer" in result.stderr
    assert "payments[1].currency: unknown_currency" in result.stderr
    assert "Traceback" not in result.stderr
    export = cli("export", "--tenant", "northwind", "--out", str(tmp_path / "out"))
    assert json.loads((tmp_path / "out" / "batch.json").read_text()) == {}, export.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_given_exported_data_when_imported_into_another_tenant_then_its_export_is_identical(
    cli, tmp_path, fmt
):
    (tmp_path / "all.json").write_text(json.dumps(with_everything()))
    assert cli("import", "--tenant", "northwind", str(tmp_path / "all.json")).returncode == 0

    assert (
        cli("export", "--tenant", "northwind", "--out", str(tmp_path / "a"), "--format", fmt).returncode == 0
    )
    files = sorted(str(p) for p in (tmp_path / "a").iterdir())
    reimport = cli("import", "--tenant", "northwind", *files)
    into_b = cli("import", "--tenant", "cloudly", *files)
    cli("export", "--tenant", "northwind", "--out", str(tmp_path / "a2"))
    cli("export", "--tenant", "cloudly", "--out", str(tmp_path / "b"))

    assert reimport.returncode == 0 and into_b.returncode == 0, into_b.stderr
    assert all(created == updated == 0 for created, updated, _ in summary(reimport.stdout).values())
    exported_a = json.loads((tmp_path / "a2" / "batch.json").read_text())
    assert json.loads((tmp_path / "b" / "batch.json").read_text()) == exported_a
    assert len(exported_a["invoices"]) == 4 and exported_a["writeOffs"][0]["amount"] == "1.00"


def test_given_a_seed_when_seeding_twice_then_the_data_is_the_same_and_unchanged(cli, tmp_path):
    args = ("seed", "--tenant", "cloudly", "--customers", "12", "--months", "4", "--seed", "9")

    first = cli(*args)
    second = cli(*args)

    assert first.returncode == 0, first.stderr
    counts = summary(first.stdout)
    assert counts["customers"] == (12, 0, 0) and counts["invoices"][0] >= 12 * 3
    assert all(created == updated == 0 for created, updated, _ in summary(second.stdout).values())
