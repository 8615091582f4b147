"""The learned pay-date model: days after due as a median with a 10%-90% interval, and a lateness class.

Training rows are snapshots. At each of the days ``as_of - 30k`` (k = 1..SNAPSHOTS) every invoice open at
the end of that day becomes a row described as it looked then (its age past due, the customer's history by
then) and labelled with its lateness as known at ``as_of``. So the model learns what happens to an invoice
*still unpaid at a given age*: an invoice 200 days overdue is predicted conditional on not being paid yet,
not from the customer's average over invoices that did get paid. An invoice still open at ``as_of`` is a
censored row labelled with the lower bound of its lateness (``as_of - due``); using the bound rather than
dropping it keeps the never-payers in the data, which dropping would hide (they would look prompt).
Predictions are then clamped to "not before the prediction day" (what is open today is not paid yesterday).

Four scikit-learn HistGradientBoosting models: quantile regressors (0.1, 0.5, 0.9) and a classifier of the
five lateness classes. Threads are limited (``LEDGERPORT_FORECAST_THREADS``, default 1): on a 2-core
machine shared with the server, OpenMP's one-thread-per-core default slows everything else down.
"""

from __future__ import annotations

import io
import os
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import joblib
import numpy as np
from threadpoolctl import threadpool_limits

from app.forecast.facts import Facts, InvoiceFact
from app.forecast.features import CLASSES, FEATURES, Featurizer, lateness_class

#: Snapshot days per training run, 30 days apart: a year of "what was open then, what became of it".
SNAPSHOTS = 12
SNAPSHOT_STEP = 30
#: The latest snapshot is this many days before the training day, so that what was open then has had
#: time to be paid: a censored label of an invoice due last month says almost nothing about it.
SNAPSHOT_LAG = 90
#: More snapshot rows than this are thinned to it, evenly by a hash of the invoice id (the same invoices
#: in every snapshot): a million-invoice tenant has ~5 million, which would cost minutes and gigabytes
#: for little more accuracy than a few hundred thousand give.
MAX_ROWS = 300_000
#: Fewer labelled rows than this and the model is not trained (the baseline answers instead).
MIN_ROWS = 50
QUANTILES = (0.1, 0.5, 0.9)
#: The share of outcomes the interval is meant to hold: QUANTILES[0] to QUANTILES[2].
COVERAGE = QUANTILES[2] - QUANTILES[0]
#: One customer in this many is set aside to calibrate the interval (conformalized quantile regression).
#: With fewer calibration rows than CALIBRATION_MIN the interval is left as the quantile models drew it:
#: the guarantee holds for any number of rows, but below ~20 the coverage it lands on scatters by more
#: than 0.1 from one training to the next (the 17th of 20 scores is the 80% quantile; 3 of 4 is not).
CALIBRATION_EVERY = 5
CALIBRATION_MIN = 20
#: How many of the most important features are tried one at a time for an invoice's reasons.
REASON_CANDIDATES = 8


def threads() -> int:
    return max(1, int(os.environ.get("LEDGERPORT_FORECAST_THREADS", "1") or 1))


class NotEnoughHistory(Exception):
    """Too few invoices with a known outcome to learn from."""


@dataclass(frozen=True)
class Reason:
    feature: str
    value: float | None
    effect_days: float  # how much later (positive) the median is than with a typical value


@dataclass(frozen=True)
class PayDate:
    days_late: float  # median, clamped
    low: float
    high: float
    lateness_class: str
    reasons: tuple[Reason, ...] = ()


def training_rows(facts: Facts, as_of: date, exclude_customers: frozenset[int] = frozenset()):
    """(invoice, snapshot day) pairs and their lateness labels as known at ``as_of``."""
    known = facts.known_at(as_of)
    pairs: list[tuple[InvoiceFact, date, date]] = []
    labels: list[float] = []
    keep = _share_kept(known, as_of, exclude_customers)
    for k in range(SNAPSHOTS):
        day = as_of - timedelta(days=SNAPSHOT_LAG + SNAPSHOT_STEP * k)
        for inv in known.invoices:
            if inv.customer_id in exclude_customers or inv.issue_date > day or inv.total <= 0:
                continue
            if inv.settled_on is not None and inv.settled_on <= day:
                continue
            if keep < 1.0 and (inv.invoice_id * 2654435761) % 1_000_003 >= keep * 1_000_003:
                continue
            pairs.append((inv, day, day))
            end = inv.settled_on if inv.settled_on is not None else as_of
            labels.append(float((end - inv.due_date).days))
    return known, pairs, np.array(labels, dtype=float)


def _share_kept(known: Facts, as_of: date, exclude_customers: frozenset[int]) -> float:
    """The share of snapshot rows to keep so that about MAX_ROWS remain (1.0: all)."""
    total = 0
    for k in range(SNAPSHOTS):
        day = as_of - timedelta(days=SNAPSHOT_LAG + SNAPSHOT_STEP * k)
        total += sum(
            1
            for inv in known.invoices
            if inv.issue_date <= day
            and inv.total > 0
            and (inv.settled_on is None or inv.settled_on > day)
            and inv.customer_id not in exclude_customers
        )
    return 1.0 if total <= MAX_ROWS else MAX_ROWS / total


class PayDateModel:
    """The fitted models plus what explaining a prediction needs (feature medians, importances)."""

    def __init__(self, regressors, classifier, medians, importances, as_of: date, rows: int):
        self.regressors = regressors
        self.classifier = classifier
        self.medians = medians
        self.importances = importances
        self.as_of = as_of
        self.rows = rows
        #: The feature columns it was fitted on: a model stored before the features changed is stale.
        self.features = FEATURES
        #: Days the quantile models' interval is widened by at each end (negative: narrowed), and on how
        #: many calibration rows that was measured (0: not calibrated).
        self.margin = 0.0
        self.calibration_rows = 0

    @classmethod
    def fit(cls, facts: Facts, as_of: date, exclude_customers: frozenset[int] = frozenset()) -> PayDateModel:
        # Imported here, not at module load: scikit-learn is ~100 MB resident, and every process that
        # only serves or exports (not trains) would carry it.
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        known, pairs, y = training_rows(facts, as_of, exclude_customers)
        if len(y) < MIN_ROWS:
            raise NotEnoughHistory(f"{len(y)} training rows, at least {MIN_ROWS} needed")
        x = Featurizer(known).matrix(pairs)
        # A column nobody has (no credit limits, say) would leave the binner nothing to cut: make it constant.
        x[:, np.isnan(x).all(axis=0)] = 0.0
        classes = np.array([lateness_class(v) for v in y])
        ages = np.array([float((day - inv.due_date).days) for inv, day, _ in pairs])
        chosen = calibration_customers({inv.customer_id for inv, _, _ in pairs})
        calibrating = np.array([inv.customer_id in chosen for inv, _, _ in pairs], dtype=bool)
        if calibrating.sum() < CALIBRATION_MIN or (~calibrating).sum() < MIN_ROWS:
            calibrating[:] = False
        with threadpool_limits(limits=threads()):
            # The median learns from every row; the interval's ends from all but the calibration rows,
            # which then say how far those ends must move to hold COVERAGE of outcomes they never saw.
            regressors = [
                HistGradientBoostingRegressor(
                    loss="quantile",
                    quantile=q,
                    max_iter=150,
                    learning_rate=0.1,
                    min_samples_leaf=20,
                    random_state=0,
                ).fit(*((x, y) if q == 0.5 else (x[~calibrating], y[~calibrating])))
                for q in QUANTILES
            ]
            margin = 0.0
            if calibrating.any():
                low, high = (
                    np.maximum(regressors[i].predict(x[calibrating]), ages[calibrating]) for i in (0, 2)
                )
                margin = conformal_margin(low, high, y[calibrating], COVERAGE)
            classifier = None
            if len(set(classes)) > 1:
                classifier = HistGradientBoostingClassifier(
                    max_iter=150, learning_rate=0.1, min_samples_leaf=20, random_state=0
                ).fit(x, classes)
            importances = _permutation_importance(regressors[1], x, y)
        medians = np.nanmedian(x, axis=0)
        model = cls(regressors, classifier, medians, importances, as_of, len(y))
        model.margin = margin
        model.calibration_rows = int(calibrating.sum())
        return model

    def predict(
        self, featurizer: Featurizer, rows: list[tuple[InvoiceFact, date, date]], explain: bool = False
    ) -> list[PayDate]:
        """Predictions for (invoice, prediction day, history day) rows, never before the prediction day."""
        ages = np.array([float((at - inv.due_date).days) for inv, at, _ in rows])
        return self.predict_matrix(featurizer.matrix(rows), ages, explain)

    def predict_matrix(self, x: np.ndarray, age_days: np.ndarray, explain: bool = False) -> list[PayDate]:
        """Predictions for feature rows; ``age_days`` (prediction day - due) is the clamp's floor."""
        if len(x) == 0:
            return []
        with threadpool_limits(limits=threads()):
            # Models stored before calibration have no margin: their interval is as it was drawn.
            margin = getattr(self, "margin", 0.0)
            shifts = (-margin, 0.0, margin)
            low, mid, high = (
                np.maximum(r.predict(x) + shift, age_days)
                for r, shift in zip(self.regressors, shifts, strict=True)
            )
            if self.classifier is not None:
                proba = self.classifier.predict_proba(x)
                labels = self.classifier.classes_
                classes = [_class_at_least(labels, p, age) for p, age in zip(proba, age_days, strict=True)]
            else:
                classes = [lateness_class(m) for m in mid]
            reasons = self._reasons(x, mid, age_days) if explain else [() for _ in mid]
        high = np.maximum(high, mid)
        low = np.minimum(low, mid)
        return [
            PayDate(float(m), float(lo), float(hi), CLASSES[c], r)
            for m, lo, hi, c, r in zip(mid, low, high, classes, reasons, strict=True)
        ]

    def _reasons(self, x: np.ndarray, mid: np.ndarray, age_days: np.ndarray) -> list[tuple[Reason, ...]]:
        """Per row, the features whose typical value would move the median most (one at a time)."""
        order = [i for i in np.argsort(-self.importances)[:REASON_CANDIDATES] if self.importances[i] > 0]
        effects = np.zeros((len(x), len(order)))
        for j, col in enumerate(order):
            typical = x.copy()
            typical[:, col] = self.medians[col]
            effects[:, j] = mid - np.maximum(self.regressors[1].predict(typical), age_days)
        out = []
        for r in range(len(x)):
            ranked = sorted(range(len(order)), key=lambda j: -abs(effects[r, j]))[:3]
            out.append(
                tuple(
                    Reason(
                        FEATURES[order[j]],
                        None if np.isnan(x[r, order[j]]) else float(x[r, order[j]]),
                        round(float(effects[r, j]), 1),
                    )
                    for j in ranked
                    if abs(effects[r, j]) >= 0.5
                )
            )
        return out

    def importance_by_feature(self) -> dict[str, float]:
        return {name: round(float(v), 3) for name, v in zip(FEATURES, self.importances, strict=True)}

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @staticmethod
    def loads(data: bytes) -> PayDateModel:
        """Load a model this service stored itself (the bytes never come from outside the database)."""
        return joblib.load(io.BytesIO(data))

    def is_current(self) -> bool:
        """Fitted on today's feature columns (models stored before a change of features predate it)."""
        return getattr(self, "features", None) == FEATURES


def calibration_customers(customer_ids: set[int]) -> frozenset[int]:
    """The customers whose rows calibrate the interval rather than train its ends: one in
    CALIBRATION_EVERY (at least one), so the margin is measured on customers the ends never saw (a
    customer's own invoices are alike, and measuring on them would promise more than a new invoice gets).
    Chosen by a salted hash of the id, the lowest first: stable from one training to the next, a fifth
    even of ten customers, and not the backtest's held-out customers (a hash without the salt)."""
    ranked = sorted(customer_ids, key=lambda c: (zlib.crc32(f"calibration:{c}".encode()), c))
    return frozenset(ranked[: -(-len(ranked) // CALIBRATION_EVERY)])


def conformal_margin(low: np.ndarray, high: np.ndarray, actual: np.ndarray, coverage: float) -> float:
    """Conformalized quantile regression (Romano, Patterson and Candes, 2019): the days to move both ends
    of [low, high] so that it holds ``coverage`` of calibration outcomes, with the finite-sample
    correction (the ceil((n + 1) * coverage)-th smallest conformity score). A censored outcome (still
    unpaid) counts at its lower bound, as the backtest scores it. A few lines of NumPy rather than a
    conformal library: the censoring and the clamp to the invoice's age are ours either way."""
    scores = np.sort(np.maximum(low - actual, actual - high))
    rank = min(len(scores), int(np.ceil((len(scores) + 1) * coverage)))
    return float(scores[rank - 1])


def _class_at_least(labels: np.ndarray, proba: np.ndarray, age_days: float) -> int:
    """The most likely class among those still possible for an invoice already ``age_days`` past due."""
    floor = lateness_class(age_days) if age_days > 0 else 0
    best, best_p = floor, -1.0
    for label, p in zip(labels, proba, strict=True):
        if label >= floor and p > best_p:
            best, best_p = int(label), p
    return best


def _permutation_importance(model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Increase in mean absolute error (days) when a feature's column is shuffled, on up to 2,000 rows."""
    rng = np.random.default_rng(0)
    sample = rng.choice(len(x), size=min(len(x), 2000), replace=False)
    xs, ys = x[sample], y[sample]
    base = np.abs(model.predict(xs) - ys).mean()
    out = np.zeros(x.shape[1])
    for col in range(x.shape[1]):
        shuffled = xs.copy()
        shuffled[:, col] = rng.permutation(shuffled[:, col])
        out[col] = max(0.0, np.abs(model.predict(shuffled) - ys).mean() - base)
    return out
