"""The customer filter, read once for every door: GraphQL ``CustomerFilter`` inputs and the query
strings of the CSV exports (``/exports/aging.csv?riskRating=B``) go through ``customer_filter``.

Each condition is checked like the field it compares with: a search is a bounded line of text, a
rating or KYC status one of its vocabulary, a currency an ISO 4217 code, a country an ISO 3166 code,
the other texts no longer than their columns. A filter that cannot match anything because it is
malformed is an error, not an empty (or, worse, unfiltered) answer.
"""

from __future__ import annotations

from app.customers.filters import CustomerFilter
from app.inputs.choices import choice
from app.inputs.codes import check_country, check_currency
from app.inputs.text import check_text, search_term
from app.models.enums import KycStatus, RiskRating

#: Query-string (and GraphQL) name -> (CustomerFilter field, column length for plain text).
TEXT_FIELDS = {"region": ("region", 50), "segment": ("segment", 50), "salesOwner": ("sales_owner", 254)}
FIELDS = ("search", "region", "segment", "country", "riskRating", "salesOwner", "kycStatus", "currency")


def customer_filter(values: dict[str, object]) -> CustomerFilter:
    """A ``CustomerFilter`` from API names (``riskRating``) to given values; ``None``/empty = no
    condition. Raises ``ValidationFailed`` naming the first bad field."""
    given = {k: v for k, v in values.items() if v is not None and v != ""}
    unknown = set(given) - set(FIELDS)
    if unknown:
        raise ValueError(f"not filter fields: {sorted(unknown)}")
    out: dict[str, object] = {}
    if "search" in given:
        out["search"] = search_term(given["search"])
    for name, (attribute, length) in TEXT_FIELDS.items():
        if name in given:
            out[attribute] = check_text(given[name], name, length) or None
    if "country" in given:
        out["country"] = check_country(given["country"])
    if "currency" in given:
        out["currency"] = check_currency(given["currency"])
    if "riskRating" in given:
        out["risk_rating"] = choice(given["riskRating"], RiskRating, "riskRating").value
    if "kycStatus" in given:
        out["kyc_status"] = choice(given["kycStatus"], KycStatus, "kycStatus").value
    return CustomerFilter(**out)
