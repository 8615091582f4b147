"""The tenant's Stripe account: keys from the environment variables its tenant file names, and a client
built per call, so no Stripe state is shared between tenants (the SDK's module globals are never set).

``LEDGERPORT_STRIPE_API_BASE`` points every client at another Stripe API (localstripe in tests and the
demo); ``LEDGERPORT_STRIPE_JS_URL`` is where the pay page loads Stripe.js from.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import stripe

from app.errors import ConfigError, LedgerportError
from app.money import exponent
from app.tenancy.config import PaymentsConfig

log = logging.getLogger("ledgerport.payments.stripe")
API_BASE_ENV = "LEDGERPORT_STRIPE_API_BASE"
JS_URL_ENV = "LEDGERPORT_STRIPE_JS_URL"
DEFAULT_JS_URL = "https://js.stripe.com/v3/"

# Stripe's own minor units differ from ISO 4217 for a few currencies (docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])


@dataclass(frozen=True)
class StripeAccount:
    secret_key: str
    publishable_key: str
    webhook_secret: str
    api_base: str | None = None


def account_for(config: PaymentsConfig, environ: Mapping[str, str] | None = None) -> StripeAccount:
    """The keys of a tenant's Stripe account; ``ConfigError`` when the tenant cannot take card payments."""
    env = os.environ if environ is None else environ
    names = {
        "secret_key": config.stripe_secret_key_env,
        "publishable_key": config.stripe_publishable_key_env,
        "webhook_secret": config.stripe_webhook_secret_env,
    }
    values: dict[str, str] = {}
    for key, name in names.items():
        if not name or not env.get(name):
            raise ConfigError("card payments are not set up for this company", code="payments_unavailable")
        values[key] = env[name]
    return StripeAccount(**values, api_base=env.get(API_BASE_ENV) or None)


def client_for(account: StripeAccount) -> stripe.StripeClient:
    base = {"api": account.api_base} if account.api_base else None
    return stripe.StripeClient(
        account.secret_key, base_addresses=base, http_client=stripe.HTTPXClient(), max_network_retries=2
    )


class ProviderUnavailable(LedgerportError):
    """Stripe did not answer, or refused a call for a reason that is not the payer's (keys, limits)."""

    code = "payment_provider_unavailable"


@contextmanager
def provider_errors(action: str, *, nothing_charged: bool = False) -> Iterator[None]:
    """Stripe's own errors inside as ``ProviderUnavailable``, a user error with a message the payer can
    act on, instead of a 500; the cause is logged with the request id. Card errors a caller handles
    itself (a decline) are caught before they reach here."""
    try:
        yield
    except stripe.StripeError as exc:
        log.warning("stripe call failed while %s: %s (%s)", action, type(exc).__name__, exc)
        charged = " Nothing was charged." if nothing_charged else ""
        raise ProviderUnavailable(
            f"The card payment provider did not answer while {action}.{charged} "
            "Please try again in a few minutes."
        ) from exc


def js_url(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(JS_URL_ENV) or DEFAULT_JS_URL


def _stripe_exponent(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    return 3 if code in THREE_DECIMAL else 2


def to_stripe_amount(minor: int, currency: str) -> int:
    """Our minor units (ISO 4217) as Stripe's (JPY 1234 -> 1234, USD 12.34 -> 1234, ISK 1234 -> 123400)."""
    shift = _stripe_exponent(currency) - exponent(currency.upper())
    if shift >= 0:
        return minor * 10**shift
    if minor % 10**-shift:
        raise ValueError(f"{currency} amounts must be whole in Stripe's unit")
    return minor // 10**-shift


def from_stripe_amount(amount: int, currency: str) -> int:
    shift = exponent(currency.upper()) - _stripe_exponent(currency)
    return amount * 10**shift if shift >= 0 else amount // 10**-shift
