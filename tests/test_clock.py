"""Time is an input: every "now" and "today" comes from app.clock, which tests (and a rehearsal) can set."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app import clock
from app.errors import ConfigError
from app.settings import Settings
from app.tenancy.registry import TenantRegistry

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_TIME = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|datetime\.today|time\.time)\(")


def test_no_code_outside_the_clock_asks_the_system_for_the_time():
    """Only a comment ``# wall clock`` (a token's expiry checked against its real-time issuer) is exempt."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("app", "schema")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "app" / "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SYSTEM_TIME.search(line) and "# wall clock" not in line
    ]
    assert not offenders, "read the time through app.clock:\n" + "\n".join(offenders)


def test_a_frozen_clock_sets_now_and_every_tenants_today():
    tenants = TenantRegistry.load(ROOT / "tenants")
    chicago, berlin = tenants.get("northwind").config, tenants.get("cloudly").config
    # 2026-12-31 23:30 in Chicago is already the new year in UTC and in Berlin.
    with clock.frozen(datetime(2027, 1, 1, 5, 30, tzinfo=UTC)):
        assert clock.now() == datetime(2027, 1, 1, 5, 30, tzinfo=UTC)
        assert chicago.today() == date(2026, 12, 31)
        assert berlin.today() == date(2027, 1, 1)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_frozen_needs_an_aware_moment():
    with pytest.raises(ValueError, match="aware"), clock.frozen(datetime(2028, 2, 29)):
        pass


def test_the_environment_variable_starts_the_process_clock_at_a_moment(monkeypatch):
    clock._offset_from_env.cache_clear()
    monkeypatch.setenv(clock.ENV_VAR, "2028-02-29T23:59:30Z")
    try:
        first = clock.now()
        assert first - datetime(2028, 2, 29, 23, 59, 30, tzinfo=UTC) < timedelta(seconds=5)
        assert clock.now() >= first  # the clock keeps running from there
        assert clock.today_in("UTC") in {date(2028, 2, 29), date(2028, 3, 1)}
    finally:
        clock._offset_from_env.cache_clear()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-01", datetime(2026, 12, 1, 12, tzinfo=UTC)),
        ("2026-12-31T23:00:00", datetime(2026, 12, 31, 23, tzinfo=UTC)),
        ("2028-02-29T08:00:00+09:00", datetime(2028, 2, 28, 23, tzinfo=UTC)),
    ],
)
def test_moments_are_parsed_as_iso_8601(raw, expected):
    assert clock.parse_moment(raw) == expected


def test_settings_refuse_a_moved_clock_in_production_and_a_malformed_one_anywhere():
    with pytest.raises(ConfigError, match="LEDGERPORT_NOW is set in production"):
        Settings.from_env(
            {
                "LEDGERPORT_ENV": "production",
                "LEDGERPORT_SECRET_KEY": "s" * 48,
                clock.ENV_VAR: "2026-12-01",
                "LEDGERPORT_GRAPHIQL": "false",
            }
        )
    with pytest.raises(ConfigError, match="LEDGERPORT_NOW: expected an ISO 8601"):
        Settings.from_env({clock.ENV_VAR: "the first of the month"})
    assert Settings.from_env({clock.ENV_VAR: "2026-12-01"}).env.value == "development"
