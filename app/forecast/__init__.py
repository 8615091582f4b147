"""Pay-date forecasting: a learned model per tenant (docs/forecast.md), its honest backtest and the
cash forecast built from its predictions."""
