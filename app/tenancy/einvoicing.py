"""``[e_invoicing]`` of a tenant file: which EN 16931 e-invoice the tenant issues, and the seller's
identifiers every such invoice must carry, validated at start-up so no invoice fails for a typo later.

- ``format``: ``"factur-x"`` (the invoice PDF becomes PDF/A-3 with the CII XML embedded, profile
  EN 16931) or ``"xrechnung-ubl"`` (the XML is UBL 2.1 with the XRechnung customization id; the PDF
  stays a plain rendering). Without the table, invoices are plain PDFs.
- ``vat_id``: the seller's VAT identifier (BT-31), checked with its country's check digits;
  ``tax_number`` (BT-32) optional; ``legal_name`` (BT-27) defaults to the tenant's name.
- ``address``: street, postcode, city, country (BG-5).
- ``iban`` (BT-84, check digits verified) and ``bic`` (BT-86): where the buyer pays by transfer.
- ``contact_name``, ``contact_phone``, ``contact_email`` (BG-6): required by XRechnung.
- ``payment_terms``: the text of BT-20 (default "Payable by <due date>").
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from stdnum import bic as bic_number
from stdnum import iban as iban_number
from stdnum.eu import vat as eu_vat


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SellerAddress(_Strict):
    street: str = Field(min_length=1, max_length=200)
    postcode: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")


class EInvoicingConfig(_Strict):
    format: Literal["factur-x", "xrechnung-ubl"]
    legal_name: str | None = Field(default=None, min_length=1, max_length=200)
    vat_id: str
    tax_number: str | None = Field(default=None, min_length=1, max_length=40)
    address: SellerAddress
    iban: str
    bic: str | None = None
    contact_name: str | None = Field(default=None, min_length=1, max_length=100)
    contact_phone: str | None = Field(default=None, min_length=3, max_length=40)
    contact_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    payment_terms: str | None = Field(default=None, min_length=1, max_length=500)

    @field_validator("vat_id")
    @classmethod
    def _vat(cls, value: str) -> str:
        compact = eu_vat.compact(value)
        if not eu_vat.is_valid(compact):
            raise ValueError(f"{value!r} is not a valid EU VAT identifier (country prefix and check digits)")
        return compact

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        compact = iban_number.compact(value)
        if not iban_number.is_valid(compact):
            raise ValueError(f"{value!r} is not a valid IBAN (check digits)")
        return compact

    @field_validator("bic")
    @classmethod
    def _bic(cls, value: str | None) -> str | None:
        if value is not None and not bic_number.is_valid(value):
            raise ValueError(f"{value!r} is not a valid BIC")
        return bic_number.compact(value) if value else value

    @model_validator(mode="after")
    def _xrechnung_contact(self) -> EInvoicingConfig:
        if self.format == "xrechnung-ubl":
            missing = [n for n in ("contact_name", "contact_phone", "contact_email") if not getattr(self, n)]
            if missing:
                raise ValueError(f"XRechnung needs the seller contact: set {', '.join(missing)}")
        return self
