"""``payDateModel``, ``payDateBacktest`` and ``cashForecast``: the model in use and how it did, how well
it does as of any day, and the collections it expects (``app/forecast``, docs/forecast.md)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from app.forecast import collections
from app.forecast import service as forecast
from app.forecast.backtest import Evaluation
from schema.common.money import Money
from schema.permissions import requires
from schema.staff.filters import CustomerFilter, domain_filter


@strawberry.type(description="One predictor's scores on the backtest's invoices.")
class BacktestScore:
    predictor: str = strawberry.field(
        description="model, on_due (paid on the due date) or average_late (due + the customer's average days late)."
    )
    mean_absolute_error_days: float | None = strawberry.field(
        description="Mean absolute error in days; an unpaid invoice counts as at least as late as it is."
    )
    class_accuracy: float | None = strawberry.field(
        description="Share of invoices in the right lateness class."
    )
    interval_coverage: float | None = strawberry.field(
        description="Share whose outcome fell in the 10%-90% interval (a baseline's interval is its point)."
    )
    mean_interval_days: float | None = strawberry.field(
        description="Mean width of that interval in days (0 for a baseline's point); null in scores stored "
        "before it was measured."
    )


@strawberry.type(description="One evaluation of the backtest: hold-out dates or hold-out customers.")
class BacktestEvaluation:
    kind: str = strawberry.field(description="holdout_dates or holdout_customers.")
    split: date
    scored_by: date
    sample_size: int
    censored: int = strawberry.field(description="Invoices still unpaid at scoredBy.")
    trained: bool = strawberry.field(description="False when there was too little history to train at split.")
    scores: list[BacktestScore]


@strawberry.type(description="The pay-date model against two baselines, time-split (docs/forecast.md).")
class PayDateBacktest:
    sample_size: int = strawberry.field(description="Invoices scored on hold-out dates.")
    mean_absolute_error_days: float | None = strawberry.field(
        description="On hold-out dates: the model's, or the average-days-late baseline's when untrained."
    )
    evaluations: list[BacktestEvaluation]


@strawberry.type(description="How much a feature matters to the model: MAE days added when it is shuffled.")
class FeatureImportance:
    feature: str
    importance: float


@strawberry.type(description="The tenant's pay-date model in use (docs/forecast.md).")
class PayDateModelInfo:
    trained_at: datetime | None
    as_of: date = strawberry.field(description="The day whose facts it was trained on.")
    training_rows: int
    invoices: int = strawberry.field(description="Invoices in the facts it was trained on.")
    importances: list[FeatureImportance] = strawberry.field(description="Most important first.")
    interval_margin_days: float = strawberry.field(
        description="Days each end of the 10%-90% interval was moved so that it holds 80% of the outcomes of "
        "customers set aside from fitting it (conformal calibration; negative: narrowed)."
    )
    calibration_rows: int = strawberry.field(
        description="Training rows that calibration was measured on; 0: the interval is not calibrated "
        "(too little history, or a model stored before calibration)."
    )
    evaluations: list[BacktestEvaluation] = strawberry.field(
        description="The backtest run when it was trained (hold-out dates, hold-out customers); empty for a "
        "model stored without one."
    )


@strawberry.type(description="Expected collections of one currency (or the base currency) in a week.")
class CashBand:
    low: Money
    expected: Money
    high: Money


@strawberry.type(description="A week of the cash forecast (start and end inclusive; null for 'later').")
class CashForecastWeek:
    start: date | None
    end: date | None
    base: CashBand
    by_currency: list[CashBand]


@strawberry.type(description="Expected collections per week from the pay-date predictions of open invoices.")
class CashForecast:
    as_of: date
    basis: str = strawberry.field(description="model, or baseline when the tenant has too little history.")
    invoices: int = strawberry.field(description="Open invoices the forecast is built from.")
    weeks: list[CashForecastWeek]
    later: CashForecastWeek = strawberry.field(description="Expected after the last week.")


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _evaluation(e: Evaluation) -> BacktestEvaluation:
    return BacktestEvaluation(
        kind=e.kind,
        split=e.split,
        scored_by=e.scored_by,
        sample_size=e.sample_size,
        censored=e.censored,
        trained=e.trained,
        scores=[
            BacktestScore(
                predictor=s.predictor,
                mean_absolute_error_days=_rounded(s.mean_absolute_error_days, 2),
                class_accuracy=_rounded(s.class_accuracy, 3),
                interval_coverage=_rounded(s.interval_coverage, 3),
                mean_interval_days=_rounded(s.mean_interval_days, 1),
            )
            for s in e.scores
        ],
    )


def _band(b: collections.Band) -> CashBand:
    return CashBand(
        low=Money.of(b.low, b.currency),
        expected=Money.of(b.expected, b.currency),
        high=Money.of(b.high, b.currency),
    )


def _week(w: collections.Week) -> CashForecastWeek:
    return CashForecastWeek(
        start=w.start, end=w.end, base=_band(w.base), by_currency=[_band(b) for b in w.by_currency]
    )


@strawberry.type
class ForecastQuery:
    @strawberry.field(
        extensions=requires("ar.read"),
        description="The stored pay-date model: when and on what it was trained, its features' importances and "
        "its backtest scores; null until one is trained.",
    )
    async def pay_date_model(self, info: Info) -> PayDateModelInfo | None:
        trained = await forecast.latest(info.context.scope)
        if trained is None:
            return None
        return PayDateModelInfo(
            trained_at=trained.trained_at,
            as_of=trained.as_of,
            training_rows=trained.rows,
            invoices=trained.invoices,
            importances=[
                FeatureImportance(feature=k, importance=v)
                for k, v in sorted(trained.importances.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            evaluations=[_evaluation(e) for e in trained.evaluations],
            interval_margin_days=trained.interval_margin_days,
            calibration_rows=trained.calibration_rows,
        )

    @strawberry.field(
        extensions=requires("ar.read"),
        description="Split at asOf - 2 x holdoutDays; predict invoices open then or issued in the next holdoutDays; "
        "score by asOf.",
    )
    async def pay_date_backtest(
        self, info: Info, as_of: date | None = None, holdout_days: int = 90
    ) -> PayDateBacktest:
        result = await forecast.run_backtest(info.context.scope, as_of or info.context.today(), holdout_days)
        dates = result.holdout_dates
        headline = dates.score("model" if dates.trained else "average_late")
        return PayDateBacktest(
            sample_size=dates.sample_size,
            mean_absolute_error_days=_rounded(headline.mean_absolute_error_days, 2),
            evaluations=[_evaluation(dates), _evaluation(result.holdout_customers)],
        )

    @strawberry.field(
        extensions=requires("ar.read"), description="Expected collections per week, with a band."
    )
    async def cash_forecast(
        self, info: Info, weeks: int = 13, as_of: date | None = None, filter: CustomerFilter | None = None
    ) -> CashForecast:
        ctx = info.context
        result = await collections.cash_forecast(
            ctx.scope,
            ctx.tenant_config.base_currency,
            as_of or ctx.today(),
            weeks,
            domain_filter(filter),
            ctx.today(),
        )
        return CashForecast(
            as_of=result.as_of,
            basis=result.basis,
            invoices=result.invoices,
            weeks=[_week(w) for w in result.weeks],
            later=_week(result.later),
        )
