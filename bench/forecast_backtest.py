"""The pay-date backtest on the synthetic portfolio (app/forecast/synthetic.py), printed as the Markdown
table of docs/forecast.md: the learned model beside both baselines, on hold-out dates and hold-out
customers. No database; deterministic (seeded generator, ``random_state=0`` models).

    python -m bench.forecast_backtest [--customers 100] [--months 30] [--seed 7] [--holdout 90]
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from app.forecast import backtest, synthetic

NAMES = {"model": "**model**", "on_due": "paid on due date", "average_late": "due + average days late"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--months", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--holdout", type=int, default=90)
    args = parser.parse_args()
    t0 = time.perf_counter()
    facts = synthetic.portfolio(customers=args.customers, months=args.months, seed=args.seed)
    split = facts.as_of - timedelta(days=2 * args.holdout)
    evaluations = backtest.backtest(facts, split, args.holdout, facts.as_of)
    print(
        f"{len(facts.invoices):,} invoices of {args.customers} customers, as of {facts.as_of}; split {split}, "
        f"scored by {facts.as_of}; {time.perf_counter() - t0:.1f} s"
    )
    print()
    print(
        "| evaluation | invoices (censored) | predictor | MAE days | class accuracy | interval coverage "
        "| mean interval days |"
    )
    print("|---|---|---|---|---|---|---|")
    for e in evaluations:
        for n, s in enumerate(e.scores):
            head = f"{e.kind.replace('_', ' ')} | {e.sample_size} ({e.censored})" if n == 0 else " | "
            if s.mean_absolute_error_days is None:
                print(f"| {head} | {NAMES[s.predictor]} | untrained | | | |")
                continue
            print(
                f"| {head} | {NAMES[s.predictor]} | {s.mean_absolute_error_days:.2f} | {s.class_accuracy:.3f} | "
                f"{s.interval_coverage:.3f} | {s.mean_interval_days:.1f} |"
            )


if __name__ == "__main__":
    main()
