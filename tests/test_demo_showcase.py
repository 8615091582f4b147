"""The demo's contacts sign in to accounts a newcomer learns from: something overdue, an open dispute,
a promise to pay and billing details filled in (the first accounts by id often had none of these)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import clock
from app.demo.signin import invite_demo_people
from app.ingest.seeder import seed_tenant
from app.models import CustomerAccount, PromiseToPay
from app.models.enums import StaffRole
from schema.common import ids
from tests.helpers import gql, make_token

FIGURES = """
query($id: ID!) { customer(id: $id) {
  name balances { overdue { amount } }
  openDisputes { amount { amount } }
  promisesToPay { status promisedDate amount { amount } }
} }"""
# The 1st of a month: the day the demo used to refuse its own seed.
MOMENT = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


async def test_the_demo_contacts_accounts_are_overdue_disputed_promised_and_billed_and_a_rerun_adds_nothing(
    client, registry, scope_a, scope_b
):
    with clock.frozen(MOMENT):
        await seed_tenant(scope_a, customers=120, months=18, seed=42)
        await seed_tenant(scope_b, customers=120, months=18, seed=42)
        people = await invite_demo_people(registry)
        again = await invite_demo_people(registry)
        tokens = {slug: await make_token(slug, StaffRole.ADMIN) for slug in ("northwind", "cloudly")}

        contacts = [p for p in people if p.audience == "portal"]
        assert people == again and len(contacts) == 4
        for person in contacts:
            customer_id = int(person.email.split("@customer")[1].split(".")[0])
            other = "cloudly" if person.tenant == "northwind" else "northwind"
            answer = await gql(
                client, FIGURES, tokens[person.tenant], {"id": ids.encode_id("Customer", customer_id)}
            )
            elsewhere = await gql(
                client, FIGURES, tokens[other], {"id": ids.encode_id("Customer", customer_id)}
            )
            customer = answer.json()["data"]["customer"]
            account = await CustomerAccount.get(id=customer_id)

            assert float(customer["balances"]["overdue"]["amount"]) > 0, person
            assert customer["openDisputes"], person
            assert [p["status"] for p in customer["promisesToPay"]] == ["open"], person
            promised = customer["promisesToPay"][0]["promisedDate"]
            assert (
                promised == (registry.require(person.tenant).config.today() + timedelta(days=7)).isoformat()
            )
            assert account.billing_address and account.billing_email and account.tax_id
            assert customer["name"] in person.role
            # Another tenant's account is not found.
            assert elsewhere.json()["errors"][0]["extensions"]["code"] == "not_found"
        assert await PromiseToPay.filter(created_by="demo").count() == 4
