"""``python -m app.cli``: the same commands as the ``ledgerport`` script."""

from app.cli import main

main()
