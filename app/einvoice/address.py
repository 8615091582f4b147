"""A billing address as EN 16931 wants it (street lines, postcode, city, country) from the free text
the billing details hold ("Kunde AG\\nHauptstraße 5\\n80331 München\\nDE").

Customers enter addresses as lines in the portal, in their country's order; the structured parts are
found, not guessed: a line that is the postcode and city ("80331 München", "75001 Paris",
"SW1A 1AA London") or the US/Canadian "City, ST 12345" form. Lines naming the company itself or the
country are left out of the street lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pycountry

POSTCODE_FIRST = re.compile(r"^(?P<postcode>(?:[A-Z]{1,3}-)?\d{4,6}(?:[ -]\d{3,4})?)\s+(?P<city>\D.*)$")
CITY_FIRST = re.compile(
    r"^(?P<city>[^,\d]+?),?\s+(?:[A-Z]{2}\s+)?(?P<postcode>\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d)$"
)
UK_POSTCODE_FIRST = re.compile(r"^(?P<postcode>[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\s+(?P<city>.+)$")


@dataclass(frozen=True)
class PostalAddress:
    lines: tuple[str, ...]  # street lines, at most 3 (BT-50, BT-51, BT-163)
    postcode: str
    city: str
    country: str


def _is_country(line: str, country: str) -> bool:
    text = line.strip().lower()
    if text == country.lower():
        return True
    found = pycountry.countries.get(alpha_2=country.upper()) if country else None
    names = {getattr(found, a, "") for a in ("name", "official_name", "common_name")} if found else set()
    return text in {n.lower() for n in names if n} or text in {
        "deutschland",
        "germany",
        "usa",
        "united states",
    }


def parse(text: str, country: str, legal_name: str = "") -> PostalAddress:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not _is_country(line, country) and line != legal_name.strip()]
    postcode = city = ""
    # The postcode and city come last (before the country): look from the bottom up.
    for n in range(len(lines) - 1, -1, -1):
        line = lines[n]
        match = UK_POSTCODE_FIRST.match(line) or CITY_FIRST.match(line) or POSTCODE_FIRST.match(line)
        if match:
            postcode, city = match["postcode"].strip(), match["city"].strip()
            lines = lines[:n] + lines[n + 1 :]
            break
    return PostalAddress(tuple(lines[:3]), postcode, city, country.upper())
