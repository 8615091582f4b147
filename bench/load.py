"""Load and failure benchmark (issue 22, point 4): many server processes and workers on one PostgreSQL.

Creates its own PostgreSQL database (dropped at the end), seeds the demo tenants through ingest
(``--customers``, ``--months``), starts localstripe, ``--servers`` server processes (uvicorn, each on its
own loopback port: the clients spread over them as a load balancer spreads connections) and
``--workers`` ``ledgerport worker`` processes. Then ``--clients`` closed-loop clients run a mixed
workload for ``--seconds``, three times on the same data and processes:

1. **one process**: every client on server 0 (the single-process figures of the same run);
2. **all processes**: the clients spread over every server;
3. **all processes, one killed**: the same while server 0 is SIGKILLed and restarted every
   ``--kill-every`` seconds (15). A client whose connection breaks counts its request as *dropped*
   (in flight on the killed process) and reconnects to the next live server.

The mix (of the clients): 15% dashboard (``arSummary``, ``arBreakdown(REGION)``, ``customer(id)``),
50% portal pages (a contact's account overview and invoices, by session cookie), 25% card payments
(a PaymentIntent made and confirmed on localstripe, then its signed ``payment_intent.succeeded`` event
delivered to a server, retried on the next server until answered 2xx, as Stripe retries; every fourth
event is delivered twice), 10% imports (``importBatch``: a new customer with an invoice and a payment).

After each phase it checks the payments: every succeeded intent is exactly one succeeded payment row
(0 lost, 0 doubled). It prints p50/p99 per operation, throughput, 5xx and dropped counts as Markdown
for docs/performance.md, with the load average (the machine is shared).

    python -m bench.load [--servers 4 --workers 2 --clients 200 --seconds 60 --kill-every 15]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import random
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from starlette.responses import Response

from app.auth import sessions
from app.auth import tokens as token_service
from app.db import lifecycle, scratch
from app.db.sql import fetch_all
from app.demo.data import DEMO_SEED
from app.models.enums import StaffRole
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope
from app.web import cookies
from bench import demo_data, loadgen
from bench.dashboard import BREAKDOWN, CUSTOMER, SUMMARY
from bench.fleet import Fleet, start_localstripe
from bench.mixed import SECRET, vacuum
from schema.common.ids import encode_id

ROOT = Path(__file__).resolve().parent.parent
STRIPE = {
    "NORTHWIND_STRIPE_SECRET_KEY": "sk_test_northwind_load",
    "NORTHWIND_STRIPE_PUBLISHABLE_KEY": "pk_test_northwind_load",
    "NORTHWIND_STRIPE_WEBHOOK_SECRET": "whsec_northwind_load",
    # The portal answers only for a tenant whose sign-in is configured; no sign-in happens here (the
    # contact's session is made directly), so the issuer is never asked.
    "NORTHWIND_PORTAL_OIDC_SECRET": "load-bench-not-used",
    "NORTHWIND_STAFF_OIDC_SECRET": "load-bench-not-used",
}
IMPORT = "mutation Import($input: ImportBatchInput!) { importBatch(input: $input) { userErrors { code message } } }"


async def prepare(url: str, registry: TenantRegistry) -> dict:
    """A staff token, a contact's portal cookie, customers and open invoices to pay, from the seeded data."""
    await lifecycle.open_database(url)
    try:
        ids = await sync_tenants(registry)
        tenant = ids["northwind"]
        scope = await system_scope("northwind", principal="bench")
        _, token = await token_service.create_token(
            scope, name=f"load-{time.time_ns()}", role=StaffRole.ADMIN
        )
        customers = [r["id"] for r in await fetch_all(
            "SELECT id FROM customer_account WHERE tenant_id = :t ORDER BY id", {"t": tenant})]  # fmt: skip
        invoices = await fetch_all(
            "SELECT id, customer_id FROM invoice WHERE tenant_id = :t AND status = 'open' AND currency = 'USD'"
            " AND total >= 10000 ORDER BY id LIMIT 20000",
            {"t": tenant},
        )
        contact = (await fetch_all(
            "SELECT c.id, c.email FROM contact c JOIN contact_access a ON a.contact_id = c.id"
            " AND a.tenant_id = c.tenant_id WHERE c.tenant_id = :t ORDER BY c.id LIMIT 1", {"t": tenant}))[0]  # fmt: skip
        _, secret = await sessions.start(
            tenant, kind=sessions.CONTACT, principal=contact["email"], contact_id=contact["id"]
        )
    finally:
        await lifecycle.close_database()
    settings = Settings(env=Environment.PRODUCTION, secret_key=SECRET, graphiql=False)
    response = Response()
    cookies.set_session(response, settings, "portal", tenant, "northwind", secret)
    cookie = response.headers["set-cookie"].split(";", 1)[0]
    return {"token": token, "customers": customers, "invoices": invoices, "cookie": cookie}


def kinds(data: dict, as_of: str, account_path: str, run: str) -> dict[str, loadgen.Kind]:
    staff = {"Authorization": f"Bearer {data['token']}"}
    portal = {"Cookie": data["cookie"]}
    picks = random.Random(22).choices(data["customers"], k=50_000)
    customer = CUSTOMER.replace("ASOF", as_of)

    def fixed(query: str):
        body = {"query": query.replace("ASOF", as_of)}
        return lambda _n: body

    def batch(n: int) -> dict:
        key = f"LOAD-{run}-{n}"
        return {"query": IMPORT, "variables": {"input": {
            "customers": [{"externalId": key, "accountNumber": key, "name": f"Load {key}", "currency": "USD",
                           "region": "AMER", "country": "US", "segment": "Distribution", "paymentTermsDays": 30}],
            "invoices": [{"externalId": f"{key}-I", "number": f"{key}-I", "customer": key, "issueDate": as_of,
                          "dueDate": as_of, "currency": "USD", "total": "100.00",
                          "lines": [{"description": "Load", "quantity": "1", "unitPrice": "100.00"}]}],
            "payments": [{"externalId": f"{key}-P", "customer": key, "receivedDate": as_of, "currency": "USD",
                          "amount": "40.00", "method": "wire",
                          "allocations": [{"invoice": f"{key}-I", "amount": "40.00", "date": as_of}]}],
        }}}  # fmt: skip

    return {
        "arSummary": loadgen.Kind("arSummary", fixed(SUMMARY), staff),
        "arBreakdown(REGION)": loadgen.Kind("arBreakdown(REGION)", fixed(BREAKDOWN), staff),
        "customer(id)": loadgen.Kind(
            "customer(id)",
            lambda n: {"query": customer, "variables": {"id": encode_id("Customer", picks[n % len(picks)])}},
            staff,
        ),
        "portal overview": loadgen.Kind("portal overview", lambda _n: {}, portal, account_path, "GET"),
        "portal invoices": loadgen.Kind(
            "portal invoices", lambda _n: {}, portal, account_path + "/invoices", "GET"
        ),
        "importBatch": loadgen.Kind("importBatch", batch, staff),
    }


def mix_of(k: dict[str, loadgen.Kind], clients: int) -> tuple[list[tuple[loadgen.Kind, int]], int]:
    """(HTTP kinds with their clients, payment clients): 15% dashboard, 50% portal, 25% payments, 10%
    imports, at least one client of each."""
    dash, portal, pay = max(3, clients * 15 // 100), max(2, clients // 2), max(1, clients // 4)
    imports = max(1, clients - dash - portal - pay)
    mix = [(k["arSummary"], dash // 3), (k["arBreakdown(REGION)"], dash // 3),
           (k["customer(id)"], dash - 2 * (dash // 3)), (k["portal overview"], portal - portal // 2),
           (k["portal invoices"], portal // 2), (k["importBatch"], imports)]  # fmt: skip
    return mix, pay


class Payer:
    """Card payments through localstripe and a signed webhook, each recorded by intent id."""

    def __init__(
        self, stripe_url: str, invoices: list[dict], fleet: Fleet, first: int | None, clients: int
    ) -> None:
        self.stripe = httpx.AsyncClient(
            base_url=stripe_url, auth=(STRIPE["NORTHWIND_STRIPE_SECRET_KEY"], ""), timeout=60
        )
        self.invoices, self.fleet, self.first, self.clients = invoices, fleet, first, clients
        self.intents: list[str] = []
        self.result = loadgen.Result()
        self.retries = self.duplicates = 0

    async def pay(self, n: int) -> None:
        inv = self.invoices[n % len(self.invoices)]
        meta = {"tenant": "northwind", "customer_id": str(inv["customer_id"]), "invoice_ids": str(inv["id"]),
                "invoice_numbers": "", "allocation": "oldest_first"}  # fmt: skip
        created = await self.stripe.post("/v1/payment_intents", data={
            "amount": "100", "currency": "usd", "payment_method_types[]": "card",
            **{f"metadata[{k}]": v for k, v in meta.items()}})  # fmt: skip
        created.raise_for_status()
        intent_id = created.json()["id"]
        method = await self.stripe.post("/v1/payment_methods", data={
            "type": "card", "card[number]": "4242424242424242", "card[exp_month]": "12",
            "card[exp_year]": "2034", "card[cvc]": "123"})  # fmt: skip
        await self.stripe.post(
            f"/v1/payment_intents/{intent_id}", data={"payment_method": method.json()["id"]}
        )
        confirmed = (await self.stripe.post(f"/v1/payment_intents/{intent_id}/confirm")).json()
        assert confirmed["status"] == "succeeded", confirmed
        self.intents.append(intent_id)
        event = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
                 "created": int(time.time()), "data": {"object": confirmed}}  # fmt: skip
        await self.deliver(event, n)
        if n % 4 == 0:  # Stripe may deliver an event again: to another process, here
            self.duplicates += 1
            await self.deliver(event, n + 1)

    async def deliver(self, event: dict, n: int) -> None:
        """POST the signed event to a live server, and to the next one until one answers 2xx."""
        body = json.dumps(event).encode()
        attempt = n
        while True:
            stamp = int(time.time())
            signature = hmac.new(
                STRIPE["NORTHWIND_STRIPE_WEBHOOK_SECRET"].encode(),
                f"{stamp}.".encode() + body,
                hashlib.sha256,
            ).hexdigest()
            live = self.fleet.addresses(self.first)
            try:
                conn = await loadgen.Connection.open(*live[attempt % len(live)])
                try:
                    status, _ = await conn.post(
                        "/webhooks/stripe/northwind", body, {"Stripe-Signature": f"t={stamp},v1={signature}"}
                    )
                finally:
                    conn.close()
            except loadgen.DROPPED:
                status = 0
            if 200 <= status < 300:
                return
            self.result.server_errors += status >= 500
            self.retries += 1
            attempt += 1
            await asyncio.sleep(0.1)

    async def loops(self, clients: int, seconds: float) -> None:
        deadline = time.perf_counter() + seconds

        async def loop(i: int) -> None:
            n = i
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    await self.pay(n)
                    self.result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                except (httpx.HTTPError, AssertionError) as exc:
                    self.result.errors += 1
                    self.result.first_error = self.result.first_error or repr(exc)[:200]
                n += 1000

        await asyncio.gather(*(loop(i) for i in range(clients)))


async def check_payments(url: str, intents: list[str]) -> tuple[int, int, int]:
    """(succeeded intents, lost: no succeeded payment row, doubled: more than one row)."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT stripe_payment_intent_id AS intent, count(*) AS n, bool_and(status = 'succeeded') AS ok"
            " FROM payment WHERE stripe_payment_intent_id = ANY($1::text[]) GROUP BY 1",
            intents,
        )
    finally:
        await conn.close()
    found = {r["intent"]: (r["n"], r["ok"]) for r in rows}
    lost = sum(1 for i in intents if i not in found or not found[i][1])
    doubled = sum(1 for n, _ in found.values() if n > 1)
    return len(intents), lost, doubled


def table(name: str, results: dict[str, loadgen.Result], mix, payer: Payer, elapsed: float) -> list[str]:
    lines = [f"| {name} | op | clients | requests | req/s | p50 ms | p99 ms | 5xx | dropped | other errors |"]
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    rows = [(kind.name, clients, results[kind.name]) for kind, clients in mix]
    rows.append(("payment (intent + webhook)", payer.clients, payer.result))
    for op, clients, r in rows:
        other = r.errors - r.server_errors
        note = f" ({r.first_error[:60]})" if r.first_error else ""
        lines.append(
            f"| | {op} | {clients} | {len(r.latencies_ms):,} | {len(r.latencies_ms) / elapsed:.1f} | "
            f"{r.p50:.0f} | {r.p(0.99):.0f} | {r.server_errors} | {r.dropped} | {other}{note} |"
        )
    return lines


async def phase(number, name, fleet, mix, pay_clients, data, stripe_url, args, first, kill):
    """One measured phase: its Markdown lines and its payment check."""
    share = data["invoices"][number::3] or data["invoices"]  # each phase pays its own invoices
    payer = Payer(stripe_url, share, fleet, first, pay_clients)
    load_start = loadgen.load_average()
    until = time.perf_counter() + args.seconds
    killing = asyncio.create_task(fleet.keep_killing(args.kill_every, until)) if kill else None
    (results, elapsed), _ = await asyncio.gather(
        loadgen.spread_loops(lambda: fleet.addresses(first), mix, args.seconds, survive_drops=kill),
        payer.loops(pay_clients, args.seconds),
    )
    away = await killing if killing else []
    await payer.stripe.aclose()
    intents, lost, doubled = await check_payments(args.url, payer.intents)
    total = sum(len(r.latencies_ms) for r in results.values()) + len(payer.result.latencies_ms)
    lines = table(name, results, mix, payer, elapsed)
    summary = (
        f"{name}: {total:,} operations in {elapsed:.0f} s ({total / elapsed:.1f}/s); payments: {intents} "
        f"succeeded intents, **{lost} lost, {doubled} doubled** ({payer.duplicates} events delivered twice, "
        f"{payer.retries} deliveries retried on another process); load average {load_start} -> "
        f"{loadgen.load_average()}"
    )
    if kill:
        summary += f"; {len(away)} SIGKILLs of server 0, back after {', '.join(f'{a:.1f}' for a in away)} s"
    return [summary, "", *lines, ""], {"lost": lost, "doubled": doubled, "intents": intents}


async def measure(args, registry: TenantRegistry, work: Path) -> int:
    data = await prepare(args.url, registry)
    as_of = registry.require("northwind").config.today().isoformat()
    stripe_proc, stripe_url = start_localstripe(work / "localstripe.log")
    env = {"LEDGERPORT_ENV": "production", "LEDGERPORT_SECRET_KEY": SECRET, "LEDGERPORT_GRAPHIQL": "false",
           "LEDGERPORT_DATABASE_URL": args.url, "LEDGERPORT_STRIPE_API_BASE": stripe_url, **STRIPE}  # fmt: skip
    fleet = Fleet(args.servers, args.workers, env, work)
    failures = 0
    try:
        fleet.start()
        reader, writer = await asyncio.open_connection(*fleet.addresses()[0])
        writer.write(f"GET /portal/ HTTP/1.1\r\nHost: x\r\nCookie: {data['cookie']}\r\n\r\n".encode())
        head = (await reader.read(4096)).decode("latin-1")
        writer.close()
        account = next(line.split(":", 1)[1].strip() for line in head.split("\r\n")
                       if line.lower().startswith("location:"))  # fmt: skip
        k = kinds(data, as_of, account, uuid.uuid4().hex[:8])
        mix, pay_clients = mix_of(k, args.clients)
        for kind, _ in mix:  # warm up: each kind once on each server, and it must work
            for address in fleet.addresses():
                conn = await loadgen.Connection.open(*address)
                body = None if kind.method == "GET" else json.dumps(kind.body(0)).encode()
                status, payload = await conn.request(kind.method, kind.path, body, kind.headers)
                conn.close()
                assert loadgen.ok(status, payload), (kind.name, status, payload[:300])
        print(f"\n{args.servers} server processes, {args.workers} workers, {args.clients} clients, "
              f"{args.seconds:.0f} s per phase; northwind {len(data['customers']):,} customers.\n")  # fmt: skip
        phases = (("1 process", 1, False), (f"{args.servers} processes", None, False),
                  (f"{args.servers} processes, SIGKILL", None, True))  # fmt: skip
        for number, (name, first, kill) in enumerate(phases):
            lines, checked = await phase(
                number, name, fleet, mix, pay_clients, data, stripe_url, args, first, kill
            )
            print("\n".join(lines), flush=True)
            failures += checked["lost"] + checked["doubled"] + (checked["intents"] == 0)
    finally:
        fleet.stop()
        loadgen.stop(stripe_proc)
    return failures


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--servers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill-every", type=float, default=15)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    registry = TenantRegistry.load(ROOT / "tenants")
    today = registry.require("northwind").config.today()
    url, admin = await scratch.create_database(args.database_url, "ledgerport_load")
    args.url = url
    try:
        t0 = time.perf_counter()
        await demo_data.seed_demo(url, registry, args.customers, args.months, DEMO_SEED, today)
        print(f"seeded through ingest in {time.perf_counter() - t0:.0f} s")
        await vacuum(url)
        with tempfile.TemporaryDirectory(prefix="ledgerport-load-") as tmp:
            failures = await measure(args, registry, Path(tmp))
    finally:
        await scratch.drop_database(admin, url)
    if failures:
        print(f"FAILED: {failures} lost or doubled payments (or no payments at all)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
