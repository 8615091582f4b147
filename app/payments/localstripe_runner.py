"""Runs ``localstripe`` (a fake Stripe server) on loopback only, for tests and the demo.

localstripe's own entry point listens on every interface and pickles its store to a fixed file in
/tmp that every other run on the machine shares; this runner binds 127.0.0.1 and keeps the store in
memory, so parallel runs never see each other's customers and intents. With ``--exit-with-parent`` it
stops when the process that started it is gone (the demo may be killed without running its clean-up).

    python -m app.payments.localstripe_runner --port 8420
"""

from __future__ import annotations

import argparse
import asyncio
import os


async def _exit_with(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        await asyncio.sleep(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--exit-with-parent", action="store_true")
    args = parser.parse_args(argv)

    from aiohttp import web
    from localstripe import resources, server

    resources.Store.dump_to_disk = lambda self: None
    parent = os.getppid()

    async def watch(app) -> None:
        if args.exit_with_parent:
            app["watcher"] = asyncio.ensure_future(_exit_with(parent))

    server.app.on_startup.append(watch)
    web.run_app(server.app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
