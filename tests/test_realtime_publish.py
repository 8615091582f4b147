"""Events leave only after commit, reach only their tenant, and only what the subscriber's scope may
read (in-process: the real schema, the real hub, the SQLite or PostgreSQL transport of the test run)."""

from __future__ import annotations

import asyncio
import random
from datetime import date

import pytest
from tortoise.transactions import in_transaction

from app.db.after_commit import NotInTransaction, on_commit
from app.models.enums import ContactRole, StaffRole
from app.realtime import events as topics
from app.realtime.events import Event
from app.realtime.hub import HUB, SLOW_SUBSCRIBER
from app.realtime.publish import publish, publish_after_commit
from app.scope import PrincipalKind, Scope
from app.settings import Settings
from schema.common.ids import encode_id
from schema.portal.schema import build_schema as build_portal_schema
from schema.staff.schema import build_schema as build_staff_schema
from tests import payments_data as data
from tests.realtime_world import FakeSocket, Running, context, record_payment

STAFF = build_staff_schema()
PORTAL = build_portal_schema()
PAYMENTS = "subscription { paymentReceived { paymentId customerId amount { amount currencyCode } } }"
ACCOUNT = "subscription($id: ID!) { accountChanged(id: $id) { accountId reason } }"


def contact(scope: Scope, *customers: int) -> Scope:
    return Scope(
        scope.tenant_id,
        scope.tenant_slug,
        PrincipalKind.CONTACT,
        "contact@example.com",
        customer_ids=frozenset(customers),
        contact_roles={c: ContactRole.VIEWER for c in customers},
        principal_id=1,
    )


@pytest.fixture
async def transport(database_url):
    """The transport a server of this run would use (NOTIFY on PostgreSQL, none on SQLite)."""
    from app.realtime import transports

    started = await transports.start(database_url, None)
    yield started
    await transports.stop()


async def test_after_commit_callbacks_run_once_after_commit_and_never_after_a_rollback(db):
    ran: list[str] = []
    async with in_transaction():
        on_commit(lambda: ran.append("outer"))
        assert ran == [], "not before the commit"
        try:
            async with in_transaction():  # a savepoint rolled back: its callbacks vanish
                on_commit(lambda: ran.append("rolled back savepoint"))
                raise RuntimeError
        except RuntimeError:
            pass
        async with in_transaction():  # a savepoint released: its callbacks wait for the outer commit
            on_commit(lambda: ran.append("released savepoint"))
        assert ran == []
    assert ran == ["outer", "released savepoint"]
    with pytest.raises(ZeroDivisionError):
        async with in_transaction():
            on_commit(lambda: ran.append("rolled back"))
            raise ZeroDivisionError
    assert ran == ["outer", "released savepoint"]
    with pytest.raises(NotInTransaction):
        on_commit(lambda: None)


async def test_a_payment_is_heard_by_its_tenant_only_and_a_rolled_back_one_by_nobody(
    db, transport, scope_a, scope_b, settings, registry
):
    acme, globex = await data.customer(scope_a, "acme"), await data.customer(scope_b, "globex", "EUR")
    a = await Running(STAFF, PAYMENTS, context(scope_a, settings, registry)).start()
    b = await Running(STAFF, PAYMENTS, context(scope_b, settings, registry)).start()
    try:
        await record_payment(scope_a, acme.id, 1234)
        await _until(lambda: a.results)
        [heard] = a.results
        assert heard.errors is None
        assert heard.data["paymentReceived"]["customerId"] == encode_id("Customer", acme.id)
        assert heard.data["paymentReceived"]["amount"] == {"amount": "12.34", "currencyCode": "USD"}
        await a.settle(0.3)
        assert b.results == [], "tenant B never hears tenant A"

        with pytest.raises(RuntimeError):
            async with in_transaction():
                await record_payment(scope_b, globex.id, currency="EUR")
                raise RuntimeError("the change is rolled back")
        await b.settle(0.5)
        assert b.results == [] and len(a.results) == 1, "a rolled-back change publishes nothing"
    finally:
        await a.stop()
        await b.stop()


async def test_a_contact_hears_only_its_own_account_among_1000_random_events(
    db, scope_a, scope_b, settings, registry
):
    ours = await data.customer(scope_a, "ours")
    neighbour = await data.customer(scope_a, "neighbour")
    elsewhere = await data.customer(scope_b, "elsewhere", "EUR")
    me = contact(scope_a, ours.id)
    account_id = encode_id("Account", ours.id)
    running = await Running(PORTAL, ACCOUNT, context(me, settings, registry), {"id": account_id}).start()
    # A staff subscription of the other tenant, to see that B's own events do arrive somewhere.
    staff_b = await Running(
        STAFF, "subscription { customerChanged { customerId } }", context(scope_b, settings, registry)
    ).start()
    rng = random.Random(19)
    sent_ours = sent_b = 0
    candidates = [
        (scope_a.tenant_id, ours.id),
        (scope_a.tenant_id, neighbour.id),
        (scope_b.tenant_id, elsewhere.id),
        (scope_b.tenant_id, ours.id),  # our key under the other tenant: never ours
        (scope_a.tenant_id, None),
    ]
    try:
        for _ in range(1000):
            tenant, customer = rng.choice(candidates)
            topic = rng.choice([topics.CUSTOMER, topics.CUSTOMER, topics.PAYMENT, topics.ALERT])
            publish(Event(tenant, topic, "payment.succeeded", customer, {}))
            sent_ours += (tenant, customer, topic) == (scope_a.tenant_id, ours.id, topics.CUSTOMER)
            sent_b += tenant == scope_b.tenant_id and topic == topics.CUSTOMER and customer is not None
            if _ % 50 == 0:
                await asyncio.sleep(0)  # let the subscriptions drain (their queues are bounded)
        await _until(lambda: len(running.results) >= sent_ours and len(staff_b.results) >= sent_b)
        await running.settle(0.2)
        assert len(running.results) == sent_ours > 0
        assert {r.data["accountChanged"]["accountId"] for r in running.results} == {account_id}
        assert len(staff_b.results) == sent_b
    finally:
        await running.stop()
        await staff_b.stop()


async def test_a_sales_rep_who_sees_own_customers_only_hears_only_of_those(db, scope_a, settings, registry):
    mine, theirs = await data.customer(scope_a, "mine"), await data.customer(scope_a, "theirs")
    await _own(mine, "rep@northwind.example")
    await _own(theirs, "other@northwind.example")
    rep = Scope(
        scope_a.tenant_id, scope_a.tenant_slug, PrincipalKind.STAFF, "rep@northwind.example",
        role=StaffRole.SALES, principal_id=7, sales_owner="rep@northwind.example",
    )  # fmt: skip
    running = await Running(
        STAFF, "subscription { customerChanged { customerId } }", context(rep, settings, registry)
    ).start()
    try:
        for customer in (theirs, mine, theirs):
            publish(Event(scope_a.tenant_id, topics.CUSTOMER, "payment.succeeded", customer.id, {}))
        await _until(lambda: running.results)
        await running.settle(0.3)
        assert [r.data["customerChanged"]["customerId"] for r in running.results] == [
            encode_id("Customer", mine.id)
        ]
    finally:
        await running.stop()


async def _own(customer, owner: str) -> None:
    customer.sales_owner = owner
    await customer.save(update_fields=["sales_owner"])


async def test_another_account_is_not_found_at_subscription(db, scope_a, settings, registry):
    ours, theirs = await data.customer(scope_a, "ours"), await data.customer(scope_a, "theirs")
    running = await Running(
        PORTAL,
        ACCOUNT,
        context(contact(scope_a, ours.id), settings, registry),
        {"id": encode_id("Account", theirs.id)},
    ).start()
    await _until(lambda: running.results)
    await running.stop()
    assert running.results[0].errors[0].extensions["code"] == "not_found"


async def test_a_slow_subscriber_is_dropped_with_its_close_code(db, scope_a, settings, registry):
    tight = Settings(
        env=settings.env,
        database_url=settings.database_url,
        tenants_dir=settings.tenants_dir,
        realtime_queue_size=3,
    )
    socket = FakeSocket()
    stream = await STAFF.subscribe(PAYMENTS, context_value=context(scope_a, tight, registry, socket))
    first = asyncio.ensure_future(stream.__anext__())  # subscribed, then never read again
    await asyncio.sleep(0.05)
    before = HUB.subscriber_count()
    acme = await data.customer(scope_a, "acme")
    for _ in range(5):
        publish(Event(scope_a.tenant_id, topics.PAYMENT, "payment.succeeded", acme.id, {}))
    await asyncio.sleep(0.05)
    assert socket.closed and socket.closed[0][0] == SLOW_SUBSCRIBER
    assert HUB.subscriber_count() == before - 1, "its queue is gone with it"
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)


async def test_outside_a_transaction_publish_after_commit_is_refused(db):
    with pytest.raises(NotInTransaction):
        publish_after_commit(Event(1, topics.PAYMENT, "payment.succeeded", 1, {}))


async def _until(condition, seconds: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition() and loop.time() < deadline:  # noqa: ASYNC110 (a task of this loop fills the list)
        await asyncio.sleep(0.02)


_ = date


SUPPORT = "subscription { supportRequestUpdated { requestId customerId status change } }"
CHANGED = "subscription { customerChanged { customerId reason } }"


async def test_the_support_queue_and_balances_are_heard_by_their_tenants_staff_only(
    db, scope_a, scope_b, settings, registry
):
    from app.support import service as support
    from tests.portal_data import contact_scope, world

    w = await world()
    northwind = registry.require("northwind").config
    carla = await contact_scope("carla@xenon.example")
    queue_a = await Running(STAFF, SUPPORT, context(scope_a, settings, registry)).start()
    queue_b = await Running(STAFF, SUPPORT, context(scope_b, settings, registry)).start()
    balances = await Running(STAFF, CHANGED, context(scope_a, settings, registry)).start()
    try:
        request = await support.create(carla, northwind, w.x.id, "Freight", "Why freight?")
        await support.staff_reply(scope_a, northwind, request.id, "Per clause 4.")
        await support.contact_reply(carla, northwind, request.id, "Thanks")
        await support.set_resolved(scope_a, northwind, request.id, True)
        await record_payment(scope_a, w.x.id, 100)
        await _until(lambda: len(queue_a.results) >= 4 and balances.results)
        await queue_a.settle(0.3)
        changes = [r.data["supportRequestUpdated"] for r in queue_a.results]
        assert [(c["change"], c["status"]) for c in changes] == [
            ("support.request_created", "OPEN"),
            ("support.request_answered", "WAITING_ON_CUSTOMER"),
            ("support.request_updated", "OPEN"),
            ("support.request_updated", "RESOLVED"),
        ]
        assert {c["requestId"] for c in changes} == {encode_id("SupportRequest", request.id)}
        assert queue_b.results == [], "tenant B hears nothing of tenant A's queue"
        assert {r.data["customerChanged"]["reason"] for r in balances.results} >= {"payment.succeeded"}
        assert {r.data["customerChanged"]["customerId"] for r in balances.results} == {
            encode_id("Customer", w.x.id)
        }
    finally:
        for running in (queue_a, queue_b, balances):
            await running.stop()


async def test_an_import_announces_each_customer_it_changed_once_after_commit(
    db, scope_a, scope_b, settings, registry
):
    from app.ingest.service import import_batch
    from tests.ingest_batches import worked_example

    balances = await Running(STAFF, CHANGED, context(scope_a, settings, registry)).start()
    other = await Running(STAFF, CHANGED, context(scope_b, settings, registry)).start()
    try:
        await import_batch(scope_a, worked_example())
        await _until(lambda: balances.results)
        await balances.settle(0.3)
        reasons = [r.data["customerChanged"]["reason"] for r in balances.results]
        assert reasons and set(reasons) == {"import.completed"}
        ids = [r.data["customerChanged"]["customerId"] for r in balances.results]
        assert len(ids) == len(set(ids)), "one event per customer, however many of its records changed"
        assert other.results == []
    finally:
        await balances.stop()
        await other.stop()
