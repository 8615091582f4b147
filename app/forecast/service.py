"""Pay-date forecasting for a tenant: train and store its model, predict open invoices, run the backtest.

The model is the tenant's: it is trained on every customer's facts (a scope restricted to some customers
still gets the tenant's model, and sees predictions only for its own invoices). When no current model is stored
the first prediction queues a ``forecast.train`` job for the tenant's today and answers with the rule
meanwhile: a request never waits for a fit (about two minutes on a million invoices) and ten requests
queue one job, not ten fits. The scheduled ``forecast.train`` job and ``ledgerport forecast train`` keep
the model fresh ahead of that. A tenant with too little history for the model (``MIN_ROWS`` labelled rows) gets
the previous predictor (``app.invoices.prediction``: due + average days late) with its basis saying so.

A prediction for a past as-of day uses the latest stored model (trained on later facts); how well the
model would have done on a past day is the backtest's question, which trains as of its split day.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from app import clock
from app.auth.permissions import require
from app.customers.filters import NO_FILTER, CustomerFilter
from app.errors import ValidationFailed
from app.forecast import repository
from app.forecast.backtest import Evaluation, backtest
from app.forecast.facts import Facts
from app.forecast.features import CLASSES, Featurizer, lateness_class
from app.forecast.model import NotEnoughHistory, PayDateModel, Reason
from app.invoices import prediction as baseline
from app.invoices.items import OpenItem
from app.jobs.enqueue import enqueue
from app.scope import Scope

log = logging.getLogger("ledgerport.forecast")
#: Stored models kept per tenant (older ones are deleted when a new one is stored).
KEEP_MODELS = 3
MAX_HOLDOUT_DAYS = baseline.MAX_HOLDOUT_DAYS


@dataclass(frozen=True)
class Forecast:
    pay_date: date
    low: date
    high: date
    lateness_class: str
    confidence: Decimal
    basis: str  # "model", or the fallback's "customer", "tenant", "due_date"
    days_late: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Trained:
    """A stored model's description: when and on what it was trained, what matters to it, how it did."""

    as_of: date
    rows: int
    importances: dict[str, float]
    trained_at: datetime | None = None
    invoices: int = 0
    #: The backtest run when it was trained (hold-out dates, hold-out customers); empty when trained
    #: without it (``train(evaluate=False)``: benches, and models a request trained before 2026-12-04).
    evaluations: tuple[Evaluation, ...] = ()
    #: Days the interval's ends were moved by calibration, and on how many rows (0: not calibrated).
    interval_margin_days: float = 0.0
    calibration_rows: int = 0


#: The backtest a scheduled training stores beside its model: hold out the last 90 days' outcomes.
TRAINING_HOLDOUT_DAYS = 90


def _tenant_wide(scope: Scope) -> Scope:
    """The tenant's scope for training: the model learns from every customer, whoever asks."""
    return Scope.system(scope.tenant_id, scope.tenant_slug, principal=f"forecast:{scope.principal}")


async def facts_as_of(scope: Scope, as_of: date, flt: CustomerFilter = NO_FILTER) -> Facts:
    """The facts of the customers ``flt`` (and the scope) select, with the whole tenant's settlement
    series beside them: the portfolio features are the tenant's, whoever asks and for whichever page."""
    invoices = await repository.invoice_facts(scope, as_of, flt)
    customers = await repository.customer_facts(scope, as_of, flt)
    portfolio = await repository.portfolio_settlements(_tenant_wide(scope), as_of)
    return Facts(as_of=as_of, invoices=tuple(invoices), customers=customers, portfolio=portfolio)


def _fit_and_evaluate(
    facts: Facts, as_of: date, evaluate: bool
) -> tuple[PayDateModel, tuple[Evaluation, ...]]:
    model = PayDateModel.fit(facts, as_of)
    if not evaluate:
        return model, ()
    split = as_of - timedelta(days=2 * TRAINING_HOLDOUT_DAYS)
    return model, backtest(facts, split, TRAINING_HOLDOUT_DAYS, as_of)


async def train(scope: Scope, as_of: date, evaluate: bool = False) -> Trained | None:
    """Train the tenant's model on its facts as of ``as_of`` and store it; None with too little history.

    ``evaluate`` (the scheduled job and the CLI) also runs the backtest on the same facts and stores its
    scores as the model's metrics, so staff see how the model in use does against the baselines
    (``payDateModel``) without running a backtest themselves; it costs two more fits."""
    require(scope, "ar.read")
    facts = await facts_as_of(_tenant_wide(scope), as_of)
    try:
        # Seconds of CPU on a big tenant: off the event loop, so the server (or worker) keeps answering.
        model, evaluations = await asyncio.to_thread(_fit_and_evaluate, facts, as_of, evaluate)
    except NotEnoughHistory as too_little:
        log.info("forecast: %s not trained: %s", scope.tenant_slug, too_little)
        return None
    importances = model.importance_by_feature()
    stored = await repository.save_model(
        _tenant_wide(scope),
        trained_at=clock.now(),
        as_of=as_of,
        rows=model.rows,
        payload=model.dumps(),
        importances=importances,
        metrics={
            "training_rows": model.rows,
            "invoices": len(facts.invoices),
            "interval_margin_days": round(model.margin, 2),
            "calibration_rows": model.calibration_rows,
            "backtest": [e.to_json() for e in evaluations],
        },
    )
    await repository.prune_models(_tenant_wide(scope), KEEP_MODELS)
    return _described(stored)


def _described(stored) -> Trained:
    metrics = dict(stored.metrics or {})
    return Trained(
        as_of=stored.as_of,
        rows=stored.rows,
        importances=dict(stored.importances),
        trained_at=stored.trained_at,
        invoices=int(metrics.get("invoices", 0)),
        evaluations=tuple(Evaluation.from_json(e) for e in metrics.get("backtest", ())),
        interval_margin_days=float(metrics.get("interval_margin_days", 0.0)),
        calibration_rows=int(metrics.get("calibration_rows", 0)),
    )


async def latest(scope: Scope) -> Trained | None:
    """What the stored model was trained on and how it did (without loading it)."""
    require(scope, "ar.read")
    stored = await repository.latest_model(_tenant_wide(scope))
    return None if stored is None else _described(stored)


async def model_for(scope: Scope, today: date) -> PayDateModel | None:
    """The tenant's latest model; None when none is stored or the stored one was fitted on other
    feature columns (an upgrade changed them), after queueing its training (``ON_DEMAND``)."""
    model = await _current_model(scope)
    if model is None:
        await _queue_training(scope, today)
    return model


#: The key of a training a prediction asked for: one per tenant and day, whoever asks and how often.
ON_DEMAND = "pay-date-model-on-demand@{today}"


async def _current_model(scope: Scope) -> PayDateModel | None:
    stored = await repository.latest_model(_tenant_wide(scope))
    if stored is None:
        return None
    model = PayDateModel.loads(bytes(stored.payload))
    return model if model.is_current() else None


async def _queue_training(scope: Scope, today: date) -> None:
    """Queue ``forecast.train`` as of ``today`` (the tenant's, as the caller has it). Predictions asked
    for at once (the resolvers of one request, or requests on several connections) all enqueue the one
    key; all but the first find it queued (``enqueue`` is a no-op then, even mid-race)."""
    async with in_transaction():
        queued = await enqueue(
            _tenant_wide(scope), "forecast.train", ON_DEMAND.format(today=today), {"as_of": today.isoformat()}
        )
    if queued is not None:
        log.info("forecast: %s has no current model; training queued as of %s", scope.tenant_slug, today)


async def needs_training(scope: Scope, as_of: date) -> bool:
    """Whether no current model (today's feature columns) trained as of ``as_of`` is stored: what lets a
    retried, taken-over or second-requested training store none."""
    stored = await repository.latest_model(_tenant_wide(scope))
    return (
        stored is None or stored.as_of != as_of or not PayDateModel.loads(bytes(stored.payload)).is_current()
    )


def _confidence(low: float, high: float) -> Decimal:
    """Narrower 10%-90% interval, more confidence: 1 for a point, 0.5 at a 30-day-wide interval."""
    return (Decimal(30) / (Decimal(30) + Decimal(max(0.0, high - low)).quantize(Decimal("0.1")))).quantize(
        Decimal("0.01")
    )


async def predict(
    scope: Scope, items: list[OpenItem], as_of: date, today: date, explain: bool = True
) -> dict[int, Forecast | None]:
    """Predicted pay dates of open invoices as of ``as_of`` (None for settled ones), in one batch."""
    require(scope, "ar.read")
    open_items = [i for i in items if i.open_amount > 0]
    out: dict[int, Forecast | None] = {i.invoice_id: None for i in items}
    if not open_items:
        return out
    customers = CustomerFilter(customer_ids=frozenset(i.customer_id for i in open_items))
    model = await model_for(scope, today)
    if model is None:
        fallback = await baseline.model_as_of(scope, as_of, customers)
        for i in open_items:
            p = fallback.predict(i.customer_id, i.due_date, as_of)
            out[i.invoice_id] = Forecast(
                p.pay_date,
                p.pay_date,
                p.pay_date,
                _class_name(p.days_late),
                p.confidence,
                p.basis,
                p.days_late,
            )
        return out
    facts = await facts_as_of(scope, as_of, customers)
    by_id = {f.invoice_id: f for f in facts.invoices}
    rows = [(by_id[i.invoice_id], as_of, as_of) for i in open_items if i.invoice_id in by_id]
    for (inv, _, _), p in zip(rows, model.predict(Featurizer(facts), rows, explain), strict=True):
        out[inv.invoice_id] = Forecast(
            pay_date=_after(inv.due_date, p.days_late),
            low=_after(inv.due_date, p.low),
            high=_after(inv.due_date, p.high),
            lateness_class=p.lateness_class,
            confidence=_confidence(p.low, p.high),
            basis="model",
            days_late=round(p.days_late),
            reasons=p.reasons,
        )
    return out


def _after(due: date, days: float) -> date:
    try:
        return due + timedelta(days=round(days))
    except OverflowError:  # a due date near 9999-12-31
        return date.max


def _class_name(days_late: int) -> str:
    return CLASSES[lateness_class(days_late)]


@dataclass(frozen=True)
class BacktestResult:
    holdout_dates: Evaluation
    holdout_customers: Evaluation


async def run_backtest(scope: Scope, as_of: date, holdout_days: int = 90) -> BacktestResult:
    """Split at ``as_of - 2 x holdout_days``, predict the invoices open then or issued in the following
    ``holdout_days``, score by ``as_of`` (so every one of them has had ``holdout_days`` or more to be paid)."""
    require(scope, "ar.read")
    if not 1 <= holdout_days <= MAX_HOLDOUT_DAYS:
        raise ValidationFailed(
            f"holdoutDays must be between 1 and {MAX_HOLDOUT_DAYS}", field="holdoutDays", code="out_of_range"
        )
    try:
        split = as_of - timedelta(days=2 * holdout_days)
    except OverflowError:
        raise ValidationFailed(
            "asOf is too early for this hold-out", field="asOf", code="out_of_range"
        ) from None
    facts = await facts_as_of(scope, as_of)
    dates, customers = backtest(facts, split, holdout_days, as_of)
    return BacktestResult(dates, customers)
