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


def _serves(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/js.stripe.com/v3/", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _stops_within(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _serves(port):
            return True
        time.sleep(0.1)
    return False


def test_given_the_demo_localstripe_when_its_parent_dies_then_it_stops_too():
    # The parent waits until its child serves, then dies without cleaning up, as a killed demo does.
    port = free_port()
    script = (
        "import httpx, subprocess, sys, time;"
        f"subprocess.Popen([sys.executable, '-m', 'app.payments.localstripe_runner', '--port', '{port}',"
        " '--exit-with-parent']);"
        "deadline = time.monotonic() + 60\n"
        "while time.monotonic() < deadline:\n"
        "    try:\n"
        f"        httpx.get('http://127.0.0.1:{port}/js.stripe.com/v3/', timeout=1); break\n"
        "    except httpx.TransportError:\n"
        "        time.sleep(0.1)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    parent.wait(timeout=90)

    assert _stops_within(port, 15)


def test_given_a_parent_pid_that_is_already_gone_when_localstripe_starts_then_it_stops():
    # A demo killed while its child was still importing: the child must not outlive it as an orphan.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    port = free_port()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.payments.localstripe_runner",
            "--port",
            str(port),
            "--exit-with-parent",
            str(gone.pid),
        ],
        cwd=ROOT,
    )
    try:
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
