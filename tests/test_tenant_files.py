"""Tenant files are validated at start-up; a bad one names the file, the field and the problem."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import ConfigError
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry, load_tenant_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tenants_dir(tmp_path) -> Path:
    """A copy of the real tenants folder, to break on purpose."""
    target = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants", target)
    return target


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_the_demo_tenant_files_are_valid():
    registry = TenantRegistry.load(ROOT / "tenants")

    assert registry.slugs() == ["cloudly", "northwind"]
    northwind = registry.require("northwind").config
    assert (northwind.base_currency, northwind.aging.buckets) == ("USD", [30, 60, 90, 120])
    assert registry.by_host("cloudly.localhost:8000").config.base_currency == "EUR"


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ('base_currency = "USD"', 'base_currency = "XYZ"', "base_currency", "not an ISO 4217 currency code"),
        ('timezone = "America/Chicago"', 'timezone = "Mars/Olympus"', "timezone", "not an IANA time zone"),
        ("buckets = [30, 60, 90, 120]", "buckets = [30, 20, 90]", "aging.buckets", "edges must increase"),
        (
            'primary_color = "#0b5394"',
            'primary_color = "blue"',
            "branding.primary_color",
            "expected a colour",
        ),
        (
            'client_secret_env = "NORTHWIND_STAFF_OIDC_SECRET"',
            'client_secret_env = "hunter2 is my secret"',
            "auth.staff.client_secret_env",
            "String should match pattern",
        ),
        ("[access]", "[acess]", "acess", "unknown setting"),
        (
            "auto_post_threshold = 80",
            "auto_post_threshold = 150",
            "banking.auto_post_threshold",
            "less than or equal to 100",
        ),
        (
            "auto_post_margin = 10",
            "auto_post_margin = -1",
            "banking.auto_post_margin",
            "greater than or equal to 0",
        ),
        ('slug = "northwind"', 'slug = "southwind"', "slug", "must match the file name"),
        ('logo = "assets/northwind.svg"', 'logo = "assets/missing.svg"', "branding.logo", "not found"),
        # A schedule that cannot run stops the start, not the first tick hours later.
        ('cron = "0 6 1 * *"', 'cron = "61 * * * *"', "schedules[0].cron", "is not a cron expression"),
        ('cron = "0 6 1 * *"', 'cron = "0 6 1 *"', "schedules[0].cron", "of five fields"),
        (
            'job = "statements.month_end"',
            'job = "statements.weekly"',
            "schedules[0].job",
            "'statements.weekly' is not a job that can be scheduled",
        ),
        ('name = "month-end-statements"', 'name = "alerts"', "schedules", "taken by alert evaluation"),
        # Approval routing: every amount needs a route, and every route must be one people can complete.
        (
            'roles = ["credit"]',
            'roles = ["viewer"]',
            "approvals.credit_limit[0].roles",
            "not a role that may",
        ),
        ('up_to = "250000.00"', 'up_to = "40000.00"', "approvals.credit_limit", "up_to must increase"),
        (
            "approvals = 2\neach_role = true\n\n[[approvals.credit_limit]]",
            "approvals = 1\neach_role = true\n\n[[approvals.credit_limit]]",
            "approvals.credit_limit[1]",
            "each_role needs one approval per role",
        ),
        (
            'roles = ["credit", "finance", "admin"]\napprovals = 2\n',
            'up_to = "900000.00"\nroles = ["credit", "finance", "admin"]\napprovals = 2\n',
            "approvals.credit_limit",
            "the last tier must have no up_to",
        ),
        (
            "interval_months = { A = 24, B = 18, C = 12, D = 6, E = 3 }",
            "interval_months = { A = 24, B = 18, C = 12, D = 6 }",
            "credit_reviews.interval_months",
            "no interval for rating(s) E",
        ),
        ("review_months = 24", "review_months = 0", "kyc.review_months", "greater than or equal to 1"),
        (
            'over_limit_percent = "10"',
            'over_limit_percent = "-1"',
            "credit_holds.over_limit_percent",
            "greater than",
        ),
        (
            "[approvals]\nsla_hours = 48\n",
            "[approvals]\nsla_hours = 0\n",
            "approvals.sla_hours",
            "greater than or equal to 1",
        ),
        # Dunning policies (docs/collections.md)
        ("offset_days = 10", "offset_days = 0", "dunning.policies[0].steps", "steps must be in order"),
        (
            'channel = "call_task"',
            'channel = "fax"',
            "dunning.policies[0].steps[1].channel",
            "Input should be",
        ),
        (
            'template = "dunning/reminder"',
            'template = "dunning/remindr"',
            "dunning.policies[0].steps[0].template",
            "no email template templates/email/dunning/remindr.txt",
        ),
        (
            'risk_ratings = ["D", "E"]',
            'risk_ratings = ["F"]',
            "dunning.policies[0].risk_ratings[0]",
            "Input should be",
        ),
        ('name = "standard"', 'name = "high-risk"', "dunning", "two policies are named 'high-risk'"),
        ('name = "standard"', 'name = "off"', "dunning.policies[1].name", "reserved"),
        ("promise_grace_days = 3", 'daily_at = "25:00"', "dunning.daily_at", "not a time of day"),
        ('fee = "40.00"', 'fee = "-1"', "dunning.policies[0].steps[2].fee", "greater than or equal to 0"),
    ],
)
def test_a_broken_file_names_file_field_and_problem(tenants_dir, old, new, field, problem):
    path = tenants_dir / "northwind.toml"
    rewrite(path, old, new)

    with pytest.raises(ConfigError) as caught:
        TenantRegistry.load(tenants_dir)

    message = caught.value.message
    assert str(path) in message
    assert f": {field}: " in message
    assert problem in message


def test_two_schedules_with_one_name_are_refused_naming_the_file(tenants_dir):
    path = tenants_dir / "cloudly.toml"
    path.write_text(
        path.read_text()
        + '\n[[schedules]]\nname = "month-end-statements"\njob = "alerts.evaluate"\ncron = "0 * * * *"\n'
    )

    with pytest.raises(ConfigError) as caught:
        TenantRegistry.load(tenants_dir)

    assert f"{path}: schedules: " in caught.value.message
    assert "two schedules are named 'month-end-statements'" in caught.value.message


def test_a_missing_required_field_is_named(tenants_dir):
    path = tenants_dir / "cloudly.toml"
    rewrite(path, 'name = "Cloudly GmbH"\n', "")

    with pytest.raises(ConfigError, match=r"cloudly\.toml: name: is required"):
        load_tenant_file(path)


def test_invalid_toml_is_reported_with_the_file(tenants_dir):
    path = tenants_dir / "cloudly.toml"
    path.write_text(path.read_text() + "\nthis is = = not toml\n")

    with pytest.raises(ConfigError, match=r"cloudly\.toml: not valid TOML"):
        TenantRegistry.load(tenants_dir)


def test_two_tenants_cannot_claim_the_same_host(tenants_dir):
    rewrite(tenants_dir / "cloudly.toml", 'hosts = ["cloudly.localhost"]', 'hosts = ["northwind.localhost"]')

    with pytest.raises(ConfigError, match=r"'northwind\.localhost' is already used by"):
        TenantRegistry.load(tenants_dir)


def test_an_empty_or_missing_folder_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no tenant files"):
        TenantRegistry.load(tmp_path)
    with pytest.raises(ConfigError, match="tenants folder not found"):
        TenantRegistry.load(tmp_path / "nope")


def test_the_app_refuses_to_start_with_a_bad_tenant_file(tenants_dir):
    from app.web.app import create_app

    rewrite(tenants_dir / "northwind.toml", 'base_currency = "USD"', 'base_currency = "usd"')
    settings = Settings(env=Environment.TEST, tenants_dir=tenants_dir)

    with pytest.raises(ConfigError, match=r"northwind\.toml: base_currency: 'usd' is not an ISO 4217"):
        create_app(settings)


def test_tenants_check_command_exits_2_with_the_message(tenants_dir):
    rewrite(tenants_dir / "northwind.toml", "buckets = [30, 60, 90, 120]", "buckets = [0, 30]")

    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "tenants", "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={"LEDGERPORT_TENANTS_DIR": str(tenants_dir), "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 2
    assert "northwind.toml: aging.buckets: the first edge must be at least 1 day" in result.stderr
    assert "Traceback" not in result.stderr


def test_tenants_check_command_lists_good_tenants():
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "tenants", "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={"LEDGERPORT_TENANTS_DIR": str(ROOT / "tenants"), "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 0, result.stderr
    assert "ok  northwind" in result.stdout and "ok  cloudly" in result.stdout
