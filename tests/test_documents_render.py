"""WeasyPrint as we call it: the lean user-agent stylesheet still reaches WeasyPrint and drops what it should."""

from __future__ import annotations

from weasyprint.html import UA

from app.documents import layout, render
from tests.documents_data import pdf_text


def test_given_weasyprints_ua_stylesheet_then_the_per_element_pseudo_rules_are_found_and_dropped():
    dropped = layout.UNUSED_UA_RULES.findall(UA)

    assert len(dropped) >= 5, "WeasyPrint's html5_ua.css changed: review layout.UNUSED_UA_RULES"
    assert all(rule.startswith(("::footnote", "::note", "::marker")) for rule in dropped)


def test_given_html_when_rendered_then_weasyprint_takes_the_lean_ua_stylesheet(monkeypatch):
    lean_html = layout._lean_html_class()
    real = lean_html._ua_stylesheets
    calls = []

    def spy(self, *args, **kwargs):
        sheets = real(self, *args, **kwargs)
        calls.append(sheets)
        return sheets

    monkeypatch.setattr(lean_html, "_ua_stylesheets", spy)

    content = render.html_to_pdf("<h1>Statement</h1><table><tr><td>INV-1</td><td>$1.00</td></tr></table>")

    assert calls, "WeasyPrint no longer asks HTML._ua_stylesheets: the lean stylesheet is not used"
    assert "Statement INV-1 $1.00" in pdf_text(content)
