"""Runs ``localstripe`` (a fake Stripe server) on loopback only, for tests and the demo.

localstripe's own entry point listens on every interface and pickles its store to a fixed file in
/tmp that every other run on the machine shares; this runner binds 127.0.0.1 and keeps the store in
memory, so parallel runs never see each other's customers and intents. With ``--exit-with-parent`` it
stops when the process that started it is gone (the demo may be killed without running its clean-up).
Its fake Stripe.js takes a card number the way Stripe's own card field does: as a person types it, with
spaces or dashes ("4242 4242 4242 4242"), which the fake otherwise sends on as typed and its API refuses
("Bad request").

    python -m app.payments.localstripe_runner --port 8420
"""

from __future__ import annotations

import argparse
import asyncio
import os

#: Where localstripe's fake card element reads the number, and the same read keeping only the digits.
TYPED_NUMBER = "number: this._inputs.number.value,"
DIGITS_ONLY = "number: this._inputs.number.value.replace(/[\\s-]/g, ''),"
STRIPE_JS_PATH = "/js.stripe.com/v3/"


def card_number_as_digits(stripe_js: str) -> str:
    """localstripe's fake Stripe.js, its card element sending only the digits of what was typed (and
    moving on to the expiry after 16 digits, not 16 characters), as Stripe's Elements do. Fails loudly
    when a localstripe upgrade moved that line, rather than silently refusing spaced numbers again."""
    if TYPED_NUMBER not in stripe_js:
        raise RuntimeError(f"localstripe's Stripe.js no longer reads the card number as {TYPED_NUMBER!r}")
    return stripe_js.replace(TYPED_NUMBER, DIGITS_ONLY)


async def _exit_with(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        await asyncio.sleep(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument(
        "--exit-with-parent",
        metavar="PID",
        type=int,
        nargs="?",
        const=0,
        help="stop when process PID (default: the one that started this) is gone",
    )
    args = parser.parse_args(argv)
    # Read before the slow imports below: a parent that dies while they run must still be noticed,
    # and the starter's own pid, when given, leaves no such window at all.
    parent = args.exit_with_parent or os.getppid()

    from aiohttp import web
    from localstripe import resources, server

    resources.Store.dump_to_disk = lambda self: None

    async def watch(app) -> None:
        if args.exit_with_parent is not None:
            app["watcher"] = asyncio.ensure_future(_exit_with(parent))

    @web.middleware
    async def typed_card_numbers(request, handler):
        response = await handler(request)
        if request.path == STRIPE_JS_PATH and response.status == 200:
            return web.Response(
                text=card_number_as_digits(response.text), content_type="application/javascript"
            )
        return response

    server.app.on_startup.append(watch)
    server.app.middlewares.append(typed_card_numbers)
    web.run_app(server.app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
