"""``[e_invoicing]`` and ``[[reports.schedules]]`` in tenant files are checked at start-up (a bad one names
the file and the field), and a due schedule mails the management pack to every address through
app/notifications, one message each, with the pack attached; the other tenant's schedules do not run."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from app.errors import ConfigError
from app.reports import delivery
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope
from tests import builders
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


def test_due_schedules_follow_the_weekday_or_the_day_of_the_month(registry):
    config = registry.require("cloudly").config
    weekly = config.model_copy(
        update={"reports": config.reports.model_copy(update={"schedules": [
            *config.reports.schedules,
            config.reports.schedules[0].model_copy(update={"every": "weekly", "day": 1}),
        ]})}
    )  # fmt: skip

    assert [n for n, _ in delivery.due_schedules(weekly, date(2026, 6, 1))] == [0, 1]  # the 1st, a Monday
    assert [n for n, _ in delivery.due_schedules(weekly, date(2026, 6, 8))] == [1]
    assert delivery.due_schedules(weekly, date(2026, 6, 9)) == []
    assert delivery.pack_as_of(date(2026, 7, 1)) == date(2026, 6, 30)
    assert delivery.delivery_key("cloudly", 0, date(2026, 7, 1)) == "management-pack:cloudly:0:2026-07-01"
    assert registry.require("northwind").config.reports.schedules == []


async def test_a_due_schedule_mails_the_pack_to_each_address(mailbox, registry, scope_a, scope_b):  # noqa: F811
    config = registry.require("cloudly").config.model_copy(deep=True)
    schedule = config.reports.schedules[0].model_copy(update={"format": "xlsx"})
    config = config.model_copy(
        update={"reports": config.reports.model_copy(update={"schedules": [schedule]})}
    )
    other = await builders.customer(scope_b, "Kunde AG", currency="EUR")
    await builders.invoice(scope_b, other, 50000, "2026-06-01", "2026-06-15", currency="EUR")
    hidden = await builders.customer(scope_a, "Northwind Only")
    await builders.invoice(scope_a, hidden, 70000, "2026-06-01", "2026-06-15")

    done = await delivery.run_due_schedules(await system_scope("cloudly"), config, date(2026, 7, 1))

    assert [(d.schedule, d.as_of, d.sent_to, d.failed) for d in done] == [
        (0, date(2026, 6, 30), ["cfo@cloudly.example", "controller@cloudly.example"], [])
    ]
    assert [m["To"] for m in mailbox] == ["cfo@cloudly.example", "controller@cloudly.example"]
    message = mailbox[0]
    assert message["Subject"] == "Cloudly GmbH management pack as of 2026-06-30"
    (attachment,) = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename() == "management-pack-cloudly-2026-06-30.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    names = [r[1].value for r in book["Top overdue"].iter_rows(min_row=2)]
    assert names == ["Kunde AG"]
