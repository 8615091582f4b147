"""Credit holds over /graphql: place and release with userErrors, the hold on the customer and on the
collection worklist's customers (one loader per page), two tenants on both engines."""

from __future__ import annotations

from app.auth.repositories import identities
from app.auth.sessions import contact_scope_for
from app.credit import holds
from app.ids import encode_id
from app.models.enums import StaffRole
from app.tenancy.service import system_scope
from tests import builders as b
from tests.helpers import gql, make_token
from tests.portal_data import world
from tests.signin_flow import csrf, person, sign_in

LOGIN = "/auth/northwind/portal/login"

PLACE = """
mutation($input: PlaceCreditHoldInput!) {
  placeCreditHold(input: $input) { hold { id source reason placedBy releasedAt } userErrors { field code } }
}"""
RELEASE = """
mutation($input: ReleaseCreditHoldInput!) {
  releaseCreditHold(input: $input) { hold { releasedBy releaseReason } userErrors { field code } }
}"""
CUSTOMER = """
query($id: ID!) { customer(id: $id) { onCreditHold creditHolds { reason } all: creditHolds(includeReleased: true) { reason releaseReason } } }"""
WORKLIST = """
query { collectionWorklist(first: 20) { edges { node { customer { name onCreditHold creditHolds { source } } } } } }"""


async def as_contact(browser, providers, email: str) -> str:
    await sign_in(browser, LOGIN, await person(providers["a"], email))
    return csrf(browser, "portal")


async def contact_scope_in(slug: str, email: str):
    """The scope a contact's portal session carries, in tenant ``slug``."""
    tenant = await system_scope(slug)
    contact = await identities.contact_by_email(tenant.tenant_id, email)
    return await contact_scope_for(tenant.tenant_id, slug, contact.id, email)


async def data(client, query, token, **variables):
    body = (await gql(client, query, token, variables)).json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_hold_placed_and_released_over_the_api_shows_on_the_customer_and_the_worklist(
    client, scope_a, scope_b, count_queries
):
    credit = await make_token("northwind", StaffRole.CREDIT, name="credit")
    other = await make_token("cloudly", StaffRole.CREDIT, name="credit-b")
    held = await b.customer(scope_a, "Held Ltd")
    free = await b.customer(scope_a, "Free Ltd")
    for cust in (held, free):
        await b.invoice(scope_a, cust, 50_000, "2026-01-01", "2026-01-31")
    customer_id = encode_id("Customer", held.id)

    foreign = await data(client, PLACE, other, input={"customerId": customer_id, "reason": "x"})
    assert foreign["placeCreditHold"]["userErrors"] == [{"field": ["customerId"], "code": "not_found"}]
    placed = (await data(client, PLACE, credit, input={"customerId": customer_id, "reason": "Bounced"}))[
        "placeCreditHold"
    ]
    assert placed["hold"] | {"id": None} == {
        "id": None, "source": "MANUAL", "reason": "Bounced", "placedBy": "token:credit", "releasedAt": None,
    }  # fmt: skip
    shown = (await data(client, CUSTOMER, credit, id=customer_id))["customer"]
    assert shown == {
        "onCreditHold": True,
        "creditHolds": [{"reason": "Bounced"}],
        "all": [{"reason": "Bounced", "releaseReason": None}],
    }
    worklist = (await data(client, WORKLIST, credit))["collectionWorklist"]["edges"]
    assert {e["node"]["customer"]["name"]: e["node"]["customer"]["onCreditHold"] for e in worklist} == {
        "Held Ltd": True,
        "Free Ltd": False,
    }
    statements = [s for s in count_queries.statements if "credit_hold" in s]
    assert statements, "the holds were read"

    count_queries.reset()
    await data(client, WORKLIST, credit)
    assert len([s for s in count_queries.statements if "credit_hold" in s]) == 1, "one read for the page"

    bad = await data(client, RELEASE, other, input={"id": placed["hold"]["id"], "reason": "Paid"})
    assert bad["releaseCreditHold"]["userErrors"] == [{"field": ["id"], "code": "not_found"}]
    done = await data(client, RELEASE, credit, input={"id": placed["hold"]["id"], "reason": "Paid"})
    assert done["releaseCreditHold"]["hold"] == {"releasedBy": "token:credit", "releaseReason": "Paid"}
    shown = (await data(client, CUSTOMER, credit, id=customer_id))["customer"]
    assert shown == {
        "onCreditHold": False,
        "creditHolds": [],
        "all": [{"reason": "Bounced", "releaseReason": "Paid"}],
    }


async def test_the_portal_shows_a_held_account_to_its_admins_where_the_tenant_chooses(
    browser, providers, registry
):
    w = await world()
    account = f"/portal/accounts/{encode_id('Account', w.x.id)}"
    other_account = f"/portal/accounts/{encode_id('Account', w.y.id)}"

    await as_contact(browser, providers, "carla@xenon.example")  # admin of X
    before = await browser.get(account)
    scope = await system_scope("northwind")
    await b.credit_hold(scope, w.x, reason="Internal: cheque bounced")
    held = await browser.get(account)
    browser.cookies.clear()
    await as_contact(browser, providers, "vera@xenon.example")  # viewer of X: no banner
    viewer = await browser.get(account)
    browser.cookies.clear()
    await as_contact(browser, providers, "yuri@yarrow.example")  # admin of Y, which is not held
    unheld = await browser.get(other_account)

    assert 'data-banner="credit-hold"' not in before.text
    assert 'data-banner="credit-hold"' in held.text and "cheque" not in held.text
    assert 'data-banner="credit-hold"' not in viewer.text
    assert 'data-banner="credit-hold"' not in unheld.text
    # Cloudly's file shows no banner: the service says so for any of its contacts.
    cloudly = registry.require("cloudly").config
    zoe = await contact_scope_in("cloudly", "zoe@zephyr.example")
    await b.credit_hold(await system_scope("cloudly"), w.z)
    assert await holds.portal_banner(zoe, cloudly, w.z.id) is False
    assert await holds.portal_banner(zoe, registry.require("northwind").config, w.z.id) is True
