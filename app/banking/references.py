"""Finding invoice, PO and account numbers in remittance text written by people and OCR.

Payers type "INV 2026/0012", "inv2026-0012", "Rechnung 2026 0012"; scanners turn 0 into O and 1 into I.
Both sides are reduced to one canonical form: upper case, letters and digits only, and the characters OCR
confuses mapped to one of each pair (O/Q/D->0, I/L->1, S->5, Z->2, B->8). Text is split into runs of
letters and digits and every window of up to ten consecutive runs is compared whole, so separators may
fall anywhere inside a number but a number never matches inside a longer one ("INV-12" is not found in
"INV-120"). A document number is also found by its digits alone when those are long and unique in the
tenant ("2026-0012" for INV-2026-0012), reported as the weaker kind of evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_OCR = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "Z": "2", "B": "8"})
_RUNS = re.compile(r"[A-Z0-9]+")
# Runs split where digits (and the letters OCR mistakes for them) meet other letters, so a number glued
# to the next word ("INV-2026-0001THANKS", as MT940's fixed-width :86: lines often join) is still found.
_PIECES = re.compile(r"[0-9OQDILSZB]+|[A-Z]+")
MAX_WINDOW = 10
MIN_DIGITS_ONLY = 5


def canonical(text: str) -> str:
    """``"inv-2O26/OO12"`` -> ``"1NV20260012"``: what two spellings of one number have in common."""
    return "".join(_RUNS.findall(text.upper())).translate(_OCR)


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def windows(text: str) -> set[str]:
    """Every concatenation of 1..MAX_WINDOW consecutive letter/digit runs of ``text``, canonical."""
    runs = [piece for run in _RUNS.findall(text.upper()) for piece in _PIECES.findall(run)]
    found: set[str] = set()
    for start in range(len(runs)):
        joined = ""
        for run in runs[start : start + MAX_WINDOW]:
            joined += run
            found.add(joined.translate(_OCR))
    return found


@dataclass(frozen=True)
class Found:
    key: str  # the document's own number as stored
    exact: bool  # True: the whole number; False: its digits alone


class ReferenceIndex:
    """The tenant's document numbers by canonical form, to look remittance text up in one pass."""

    def __init__(self, numbers: Iterable[str]) -> None:
        self._by_canonical: dict[str, set[str]] = {}
        self._by_digits: dict[str, set[str]] = {}
        for number in numbers:
            if not number:
                continue
            self._by_canonical.setdefault(canonical(number), set()).add(number)
            # The digits as written (not of the canonical form, where the I of "INV" became a 1).
            digits = digits_only(number)
            if len(digits) >= MIN_DIGITS_ONLY and digits != canonical(number):
                self._by_digits.setdefault(digits, set()).add(number)

    def find(self, text: str) -> list[Found]:
        """The numbers ``text`` names, each once, whole-number hits first."""
        hits: dict[str, Found] = {}
        candidates = windows(text)
        for window in candidates:
            for number in self._by_canonical.get(window, ()):
                hits[number] = Found(number, True)
        for window in candidates:
            owners = self._by_digits.get(window)
            # Digits alone count only when they name exactly one document.
            if owners and len(owners) == 1:
                (number,) = owners
                hits.setdefault(number, Found(number, False))
        return sorted(hits.values(), key=lambda f: (not f.exact, f.key))


_LEGAL = re.compile(
    r"\b(and|the|ltd|limited|llc|inc|corp|corporation|co|company|gmbh|ag|kg|sa|sarl|sas|bv|nv|plc|srl|spa|oy|ab|as)\b"
)


def normal_name(name: str) -> str:
    """A company name for comparing: lower case, no punctuation or legal form ("ACME Corp." -> "acme"; "&", "and" and "the" dropped too)."""
    text = re.sub(r"[^\w\s]", " ", name.lower())
    return " ".join(_LEGAL.sub(" ", text).split())
