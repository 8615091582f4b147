"""A small world for portal tests: two customers of Northwind (X with contacts, Y), one of Cloudly (Z).

X carries metrics.md's worked example dated relative to today, so its overview has figures in several
aging buckets; every customer has invoices, so a leak of another's data would show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app import clock
from app.auth.repositories import identities
from app.auth.sessions import contact_scope_for
from app.models.enums import ContactRole
from app.tenancy.service import system_scope
from tests import auth_data
from tests import documents_data as data


@dataclass
class World:
    x: object
    y: object
    z: object
    x_invoices: list
    y_invoice: object
    z_invoice: object
    today: date


async def world(today: date | None = None) -> World:
    # The portal's "today" is the date in northwind's time zone (America/Chicago), which is yesterday's
    # UTC date for six hours a day: building the world on the UTC date made ages off by one then.
    today = today or datetime.now(ZoneInfo("America/Chicago")).date()
    a, b = await system_scope("northwind"), await system_scope("cloudly")
    x = await data.customer(a, "X-100", "Xenon Retail", billing_address="1 Xenon Way\nSpringfield")
    y = await data.customer(a, "Y-200", "Yarrow Labs")
    z = await data.customer(b, "Z-300", "Zephyr AG", currency="EUR")
    old = await data.invoice(
        a,
        x,
        "INV-X1",
        today - timedelta(days=120),
        today - timedelta(days=91),
        100000,
        lines=[("Resistors, reel of 5000", "2", 50000)],
    )
    soon = await data.invoice(
        a,
        x,
        "INV-X2",
        today - timedelta(days=29),
        today + timedelta(days=1),
        250000,
        lines=[("Capacitors", "10", 20000), ("Freight", "1", 50000)],
        po_number="PO-7781",
    )
    late = await data.invoice(a, x, "INV-X3", today - timedelta(days=60), today - timedelta(days=30), 80000)
    await data.payment(a, x, today - timedelta(days=100), 40000, (old, 40000, today - timedelta(days=100)))
    await data.credit_note(
        a, x, "CN-X1", today - timedelta(days=20), 20000, (late, 20000, today - timedelta(days=20))
    )
    await data.payment(a, x, today - timedelta(days=10), 15000, reference="WIRE-150")
    paid = await data.invoice(a, x, "INV-X4", today - timedelta(days=50), today - timedelta(days=20), 30000)
    await data.payment(a, x, today - timedelta(days=25), 30000, (paid, 30000, today - timedelta(days=25)))
    y_invoice = await data.invoice(
        a, y, "INV-Y1", today - timedelta(days=5), today + timedelta(days=25), 9900
    )
    z_invoice = await data.invoice(b, z, "RE-Z1", today - timedelta(days=5), today + timedelta(days=25), 7700)
    await auth_data.contact(a, "carla@xenon.example", {x.id: ContactRole.ADMIN})
    await auth_data.contact(a, "vera@xenon.example", {x.id: ContactRole.VIEWER})
    await auth_data.contact(a, "yuri@yarrow.example", {y.id: ContactRole.ADMIN})
    await auth_data.contact(b, "zoe@zephyr.example", {z.id: ContactRole.ADMIN})
    return World(x, y, z, [old, soon, late, paid], y_invoice, z_invoice, today)


async def contact_scope(email: str):
    """The scope a Northwind contact's portal session would carry (for tests that call services)."""
    a = await system_scope("northwind")
    contact = await identities.contact_by_email(a.tenant_id, email)
    return await contact_scope_for(a.tenant_id, "northwind", contact.id, email)


async def credit_account(scope, email: str):
    """An account with one open invoice ($100.00) and a payment of $759.91 not applied: $659.91 in credit."""
    today = clock.today_in("America/Chicago")
    customer = await data.customer(scope, "C-700", "Credit Corp")
    await data.invoice(
        scope, customer, "INV-C1", today - timedelta(days=40), today - timedelta(days=10), 10000
    )
    await data.payment(scope, customer, today - timedelta(days=5), 75991, reference="WIRE-CREDIT")
    await auth_data.contact(scope, email, {customer.id: ContactRole.ADMIN})
    return customer
