"""``CustomerFilter``: the input every receivables figure, list and export takes (drill-down = same query,
narrower filter)."""

from __future__ import annotations

import strawberry

from app.customers.filters import CustomerFilter as DomainFilter
from app.inputs.filters import customer_filter
from app.models.enums import KycStatus, RiskRating

RiskRatingEnum = strawberry.enum(RiskRating, name="RiskRating")
KycStatusEnum = strawberry.enum(KycStatus, name="KycStatus")


@strawberry.input(
    description="Which customer accounts a figure or list covers; omitted fields do not restrict."
)
class CustomerFilter:
    search: str | None = strawberry.field(default=None, description="Part of the name or account number.")
    region: str | None = None
    segment: str | None = None
    country: str | None = None
    risk_rating: RiskRatingEnum | None = None
    sales_owner: str | None = None
    kyc_status: KycStatusEnum | None = None
    currency: str | None = strawberry.field(default=None, description="The account's currency.")

    def to_domain(self) -> DomainFilter:
        """Checked by the same rules as the export's query string (``app.inputs.filters``)."""
        return customer_filter(
            {
                "search": self.search,
                "region": self.region,
                "segment": self.segment,
                "country": self.country,
                "riskRating": self.risk_rating.value if self.risk_rating else None,
                "salesOwner": self.sales_owner,
                "kycStatus": self.kyc_status.value if self.kyc_status else None,
                "currency": self.currency,
            }
        )


def domain_filter(flt: CustomerFilter | None) -> DomainFilter:
    return flt.to_domain() if flt else DomainFilter()
