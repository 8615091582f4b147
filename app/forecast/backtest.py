"""The honest backtest: train on what was known at a split day T, predict every invoice open at T or
issued in (T, T+horizon], and score against what had happened by a later day (T+horizon or after).

- Predictions are made from history known at T; an invoice issued after T is predicted as of its issue
  day (its own age), still from the customers' history at T: the forecast one would have made at T.
- An invoice still unpaid when scoring is **censored**: its lateness is at least ``scored_by - due``. Its
  error is how far the prediction falls short of that bound (0 when it predicts later); its class counts
  as right when the predicted class is at least the bound's; the interval covers it when its top reaches
  the bound. Dropping those invoices (what the previous backtest did) would hide exactly the late ones.
- Two evaluations: **hold-out dates** (the time split, every customer) and **hold-out customers** (the
  same split, trained without a fifth of the customers, scored only on them).
- Each reports the learned model beside the two baselines (``app.forecast.baselines``) on the same
  invoices: mean absolute error in days, class accuracy and interval coverage (a baseline's interval is
  its point, so its coverage is how often it is exactly right).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from app.forecast.baselines import AverageLate, on_due
from app.forecast.facts import Facts, InvoiceFact
from app.forecast.features import CLASSES, Featurizer, lateness_class
from app.forecast.model import NotEnoughHistory, PayDateModel

#: One customer in this many is held out of training in the hold-out-customers evaluation.
HOLDOUT_SHARE = 5
PREDICTORS = ("model", "on_due", "average_late")


@dataclass(frozen=True)
class Score:
    predictor: str
    mean_absolute_error_days: float | None
    class_accuracy: float | None
    interval_coverage: float | None
    #: Mean width of the interval in days (high - low): coverage means little without it, since a wide
    #: enough interval holds everything. None in metrics stored before it was measured.
    mean_interval_days: float | None = None


@dataclass(frozen=True)
class Evaluation:
    kind: str  # "holdout_dates" or "holdout_customers"
    split: date
    scored_by: date
    sample_size: int
    censored: int
    trained: bool  # False: too little history before the split, the model has no score
    scores: tuple[Score, ...]

    def score(self, predictor: str) -> Score:
        return next(s for s in self.scores if s.predictor == predictor)

    def to_json(self) -> dict:
        """As stored in a model's metrics (``pay_date_model.metrics``)."""
        return {
            "kind": self.kind,
            "split": self.split.isoformat(),
            "scored_by": self.scored_by.isoformat(),
            "sample_size": self.sample_size,
            "censored": self.censored,
            "trained": self.trained,
            "scores": [vars(s) for s in self.scores],
        }

    @staticmethod
    def from_json(data: dict) -> Evaluation:
        return Evaluation(
            kind=data["kind"],
            split=date.fromisoformat(data["split"]),
            scored_by=date.fromisoformat(data["scored_by"]),
            sample_size=data["sample_size"],
            censored=data["censored"],
            trained=data["trained"],
            scores=tuple(Score(**s) for s in data["scores"]),
        )


def is_held_out(customer_id: int) -> bool:
    """A stable fifth of the customers (by a hash of the id, not its order: ids are often created in turn)."""
    return zlib.crc32(str(customer_id).encode()) % HOLDOUT_SHARE == 0


def targets(facts: Facts, split: date, horizon: int) -> list[InvoiceFact]:
    """Invoices open at the end of ``split`` or issued in (split, split + horizon]."""
    end = split + timedelta(days=horizon)
    return [
        f
        for f in facts.invoices
        if f.total > 0
        and f.issue_date <= end
        and (f.issue_date > split or f.settled_on is None or f.settled_on > split)
    ]


def evaluate(facts: Facts, split: date, horizon: int, scored_by: date, held_out: bool = False) -> Evaluation:
    """One evaluation; ``facts`` must be known at least until ``scored_by``."""
    known = facts.known_at(scored_by)
    chosen = [f for f in targets(known, split, horizon) if not held_out or is_held_out(f.customer_id)]
    excluded = frozenset(f.customer_id for f in known.invoices if held_out and is_held_out(f.customer_id))
    rows = [(f, max(split, f.issue_date), split) for f in chosen]
    try:
        model = PayDateModel.fit(known, split, exclude_customers=excluded)
        history = Featurizer(known.known_at(split))
        predicted = model.predict(history, rows)
    except NotEnoughHistory:
        predicted = None
    average = AverageLate(known, split)
    tallies = {p: [0.0, 0, 0, 0.0] for p in PREDICTORS}  # error sum, right class, covered, width sum
    censored = 0
    for index, (inv, at, _) in enumerate(rows):
        is_censored = inv.settled_on is None
        censored += is_censored
        actual = float(((inv.settled_on or scored_by) - inv.due_date).days)
        guesses = {"on_due": on_due(inv, at), "average_late": average.days_late(inv, at)}
        points = {name: (g, g, g, lateness_class(g)) for name, g in guesses.items()}
        if predicted is not None:
            p = predicted[index]
            points["model"] = (p.days_late, p.low, p.high, CLASSES.index(p.lateness_class))
        for name, (mid, low, high, klass) in points.items():
            tally = tallies[name]
            tally[3] += high - low
            if is_censored:
                tally[0] += max(0.0, actual - mid)
                tally[1] += klass >= lateness_class(actual)
                tally[2] += high >= actual
            else:
                tally[0] += abs(mid - actual)
                tally[1] += klass == lateness_class(actual)
                tally[2] += low <= actual <= high
    n = len(rows)

    def score(name: str) -> Score:
        if not n or (name == "model" and predicted is None):
            return Score(name, None, None, None)
        error, right, covered, width = tallies[name]
        return Score(name, error / n, right / n, covered / n, width / n)

    return Evaluation(
        kind="holdout_customers" if held_out else "holdout_dates",
        split=split,
        scored_by=scored_by,
        sample_size=n,
        censored=censored,
        trained=predicted is not None,
        scores=tuple(score(p) for p in PREDICTORS),
    )


def backtest(facts: Facts, split: date, horizon: int, scored_by: date) -> tuple[Evaluation, Evaluation]:
    """Hold-out dates and hold-out customers, from one set of facts."""
    return (
        evaluate(facts, split, horizon, scored_by),
        evaluate(facts, split, horizon, scored_by, held_out=True),
    )
