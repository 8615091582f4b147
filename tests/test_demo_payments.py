"""The demo's card payments: demo Stripe variables only where unset, and localstripe that stops with us."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from app.demo.payments import set_demo_stripe_env
from tests.conftest import ROOT
from tests.stripe_fixtures import free_port


def test_given_some_stripe_variables_set_when_preparing_the_demo_then_only_the_missing_ones_are_filled(
    registry,
):
    environ = {"NORTHWIND_STRIPE_SECRET_KEY": "sk_live_operator_set"}

    named = set_demo_stripe_env(registry, "http://127.0.0.1:8420", environ)

    assert environ["NORTHWIND_STRIPE_SECRET_KEY"] == "sk_live_operator_set"
    assert "NORTHWIND_STRIPE_SECRET_KEY" not in named
    assert environ["CLOUDLY_STRIPE_WEBHOOK_SECRET"] == "whsec_demo_cloudly"
    assert environ["LEDGERPORT_STRIPE_JS_URL"] == "http://127.0.0.1:8420/js.stripe.com/v3/"
    assert len(named) == 7


def test_given_the_demo_localstripe_when_its_parent_dies_then_it_stops_too():
    port = free_port()
    script = (
        "import subprocess, sys, time;"
        f"subprocess.Popen([sys.executable, '-m', 'app.payments.localstripe_runner', '--port', '{port}',"
        " '--exit-with-parent']); time.sleep(3)"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    served = False
    for _ in range(60):
        try:
            served = httpx.get(f"http://127.0.0.1:{port}/js.stripe.com/v3/", timeout=1).status_code == 200
            break
        except httpx.TransportError:
            time.sleep(0.1)
    parent.wait(timeout=20)

    stopped = False
    for _ in range(50):
        try:
            httpx.get(f"http://127.0.0.1:{port}/js.stripe.com/v3/", timeout=0.5)
            time.sleep(0.1)
        except httpx.TransportError:
            stopped = True
            break
    assert served and stopped
