"""What ``ledgerport demo`` sets up around the server, beside what it prints."""

from __future__ import annotations

from app.demo.run import set_portal_origin
from app.portal import links


def test_the_demos_printed_links_open_on_the_port_it_serves_unless_the_operator_said_otherwise(
    registry, monkeypatch
):
    northwind = registry.require("northwind").config
    fresh: dict[str, str] = {}
    operators = {links.ORIGIN_ENV: "https://portal.example"}

    set_portal_origin(8123, fresh)
    set_portal_origin(8123, operators)
    monkeypatch.setenv(links.ORIGIN_ENV, fresh[links.ORIGIN_ENV])
    demo_link = links.invoice(northwind, 52)

    assert demo_link.startswith("http://northwind.localhost:8123/portal/invoices/")
    assert "/52" not in demo_link  # opaque ids, never the database's
    assert operators[links.ORIGIN_ENV] == "https://portal.example"


def test_a_scaled_demo_shrinks_the_customers_but_keeps_the_history_and_a_floor():
    from app.demo.data import DEMO_DATA, DEMO_MIN_CUSTOMERS, demo_size

    assert demo_size("northwind") == DEMO_DATA["northwind"]
    assert demo_size("northwind", 0.02) == (160, DEMO_DATA["northwind"][1])
    assert demo_size("cloudly", 0.001) == (DEMO_MIN_CUSTOMERS, DEMO_DATA["cloudly"][1])
