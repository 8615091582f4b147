"""HTML to PDF bytes: WeasyPrint with a leaner user-agent stylesheet, and nothing of ours around it.

Its own module so that everything that lays documents out (``render`` for the web process and the batch,
``pool`` warming each of its processes up) imports it without importing each other.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Rules of WeasyPrint's user-agent stylesheet that style a pseudo-element of *every* element (footnote and
#: note calls and markers, list markers). Our documents have no footnotes, notes or lists, yet each of these
#: rules makes WeasyPrint compute five extra styles per element: a third of a long statement's time.
UNUSED_UA_RULES = re.compile(r"^::(?:footnote|note|marker)[-\w]*\s*\{[^}]*\}", re.MULTILINE)


@lru_cache(maxsize=1)
def _lean_html_class():
    """WeasyPrint's ``HTML`` with its user-agent stylesheet less ``UNUSED_UA_RULES``.

    ``_ua_stylesheets`` is WeasyPrint's own hook for that sheet (it has no public option); a test checks
    the hook is still called and that the rules were found, so an upgrade that moves either fails loudly
    instead of silently costing the time again."""
    from weasyprint import CSS, HTML  # imported late: loading Pango costs ~0.5 s, most commands need none
    from weasyprint.html import UA, UA_COUNTER_STYLE

    lean = CSS(string=UNUSED_UA_RULES.sub("", UA), counter_style=UA_COUNTER_STYLE)

    class LeanHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [lean]

    return LeanHTML


def html_to_pdf(html: str, base_url: str | None = None, variant: str | None = None) -> bytes:
    """WeasyPrint on ``html`` (with the lean user-agent stylesheet); relative URLs resolve at ``base_url``.
    ``variant``: a PDF variant WeasyPrint writes (``"pdf/a-3b"`` for e-invoices), else plain PDF."""
    document = _lean_html_class()(string=html, base_url=base_url)
    return document.write_pdf(pdf_variant=variant) if variant else document.write_pdf()
