"""``[e_invoicing]`` and ``[[reports.schedules]]`` in tenant files are checked at start-up (a bad one names
the file and the field), and a due schedule mails the management pack to every address through
app/notifications, one message each, with the pack attached; the other tenant's schedules do not run."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.errors import ConfigError
from app.jobs import schedules
from app.reports import delivery
from app.tenancy.registry import TenantRegistry
from tests import builders
from tests.background import run_jobs
from tests.documents_data import pdf_text
from tests.mailbox import mailbox  # noqa: F401 - the fixture
from tests.test_tenant_files import rewrite, tenants_dir  # noqa: F401 - a copy of tenants/ to break


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ('addresses = ["cfo@cloudly.example", "controller@cloudly.example"]', 'addresses = ["cfo at cloudly"]',
         "reports.schedules[0].addresses", "is not an email address"),
        ('every = "monthly"', 'every = "daily"', "reports.schedules[0].every", "'weekly' or 'monthly'"),
        ("day = 1\n", "day = 31\n", "reports.schedules[0].day", "must be a day of the month (1-28)"),
        ('format = "pdf"', 'format = "docx"', "reports.schedules[0].format", "'xlsx' or 'pdf'"),
        ('format = "factur-x"', 'format = "zugferd-1"', "e_invoicing.format", "'factur-x' or 'xrechnung-ubl'"),
        ('vat_id = "DE298765435"', 'vat_id = "DE298765432"', "e_invoicing.vat_id", "not a valid EU VAT"),
        ('iban = "DE77 1001 0010 0123 4567 89"', 'iban = "DE44 1001 0010 0123 4567 89"', "e_invoicing.iban",
         "not a valid IBAN"),
        ('bic = "SPREDEBBXXX"', 'bic = "SPREE"', "e_invoicing.bic", "not a valid BIC"),
        ('contact_phone = "+49 30 1234567"\n', "", "e_invoicing", "set contact_phone"),
    ],
)  # fmt: skip
def test_a_bad_schedule_or_e_invoicing_setting_names_file_and_field(tenants_dir, old, new, field, problem):  # noqa: F811
    path = tenants_dir / "cloudly.toml"
    rewrite(path, old, new)
    if "contact_phone" in problem:
        rewrite(path, 'format = "factur-x"', 'format = "xrechnung-ubl"')

    with pytest.raises(ConfigError) as caught:
        TenantRegistry.load(tenants_dir)

    assert str(path) in caught.value.message
    assert f": {field}: " in caught.value.message
    assert problem in caught.value.message


def test_each_pack_schedule_runs_at_seven_on_its_weekday_or_day_of_the_month(registry):
    config = registry.require("cloudly").config
    monthly = config.reports.schedules[0]
    weekly = monthly.model_copy(update={"every": "weekly", "day": 7})
    named = {s.name: s for s in schedules.schedules_of(config)}

    assert monthly.cron == "0 7 1 * *" and weekly.cron == "0 7 * * 0"  # ISO 7 is cron's Sunday
    assert named["management-pack-1"].kind == "reports.management_pack"
    assert named["management-pack-1"].args == {"index": 0}
    berlin_july_1st = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 07:00 in Berlin (summer time)
    assert named["management-pack-1"].period_start(berlin_july_1st, config.timezone) == berlin_july_1st
    assert delivery.pack_as_of(berlin_july_1st.isoformat(), config.timezone) == date(2026, 6, 30)
    assert not any(
        s.kind == "reports.management_pack"
        for s in schedules.schedules_of(registry.require("northwind").config)
    )


async def test_a_due_schedule_mails_the_pack_to_each_address_once(mailbox, registry, scope_a, scope_b):  # noqa: F811
    other = await builders.customer(scope_b, "Kunde AG", currency="EUR")
    await builders.invoice(scope_b, other, 50000, "2026-06-01", "2026-06-15", currency="EUR")
    hidden = await builders.customer(scope_a, "Northwind Only")
    await builders.invoice(scope_a, hidden, 70000, "2026-06-01", "2026-06-15")

    with clock.frozen(datetime(2026, 7, 1, 5, 30, tzinfo=UTC)):  # 07:30 in Berlin on the 1st
        await schedules.tick(registry)
        await run_jobs(registry)
        await schedules.tick(registry)  # a second worker's tick in the same period
        await run_jobs(registry)

    assert [m["To"] for m in mailbox] == ["cfo@cloudly.example", "controller@cloudly.example"]
    message = mailbox[0]
    assert message["Subject"] == "Cloudly GmbH management pack as of 2026-06-30"
    (attachment,) = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename() == "management-pack-cloudly-2026-06-30.pdf"
    text = pdf_text(attachment.get_payload(decode=True))
    assert "Kunde AG" in text and "Northwind Only" not in text
