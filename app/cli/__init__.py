"""The ``ledgerport`` command line: migrate, tenants, tokens, import, export, seed, balances, bank, serve,
demo, alerts, schema, statements, worker, jobs, dunning.

Every command reads the same settings as the server and talks to the database through the same services,
with a system scope for the tenant named by ``--tenant``. Errors print one clear message and exit non-zero;
they never print a stack trace at a user. Commands live in modules by what they are for; importing them
registers them on ``main``.
"""

from app.cli import bank, collections, data, jobs, operations, serving, setup
from app.cli.base import main

__all__ = ["bank", "collections", "data", "jobs", "main", "operations", "serving", "setup"]
