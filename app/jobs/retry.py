"""How long a failed job waits before its next try: exponential backoff with jitter.

Doubling spaces the tries of a job whose relay is down; the jitter (a random 50-100 % of the delay)
keeps a thousand emails that failed together from all coming back in the same second.
"""

from __future__ import annotations

import random
from datetime import timedelta

from app.jobs.tuning import Tuning


def delay(attempt: int, tuning: Tuning, rng: random.Random | None = None) -> timedelta:
    """The wait after try number ``attempt`` (1 = the first) failed."""
    ceiling = min(tuning.backoff_cap_seconds, tuning.backoff_base_seconds * 2 ** max(attempt - 1, 0))
    return timedelta(seconds=ceiling * (rng or random).uniform(0.5, 1.0))


def describe(exc: BaseException) -> str:
    """The error kept on a job: its type and message, bounded so a huge message cannot bloat the row."""
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:4000]
