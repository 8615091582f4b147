"""The statement periods a contact is offered: never a lone first of the month, always the complete months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.portal import statements
from schema.common import ids
from tests.portal_data import world
from tests.signin_flow import graphql, person, sign_in

LOGIN = "/auth/northwind/portal/login"
#: 1 December 2026, 18:00 UTC: noon in Chicago (northwind), evening in Berlin (cloudly).
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("today", "first_activity", "expected"),
    [
        (date(2026, 12, 1), date(2025, 3, 9), (date(2026, 11, 1), date(2026, 12, 1))),
        (date(2026, 12, 17), date(2025, 3, 9), (date(2026, 11, 1), date(2026, 12, 17))),
        (date(2027, 1, 1), date(2025, 3, 9), (date(2026, 12, 1), date(2027, 1, 1))),
        (date(2026, 12, 1), date(2026, 11, 20), (date(2026, 11, 20), date(2026, 12, 1))),
        (date(2026, 12, 1), date(2026, 12, 1), (date(2026, 12, 1), date(2026, 12, 1))),
        (date(2026, 12, 1), None, (date(2026, 11, 1), date(2026, 12, 1))),
    ],
)
def test_given_today_and_the_first_activity_then_the_default_statement_period_is_never_a_lone_first(
    today, first_activity, expected
):
    assert statements.default_period(today, first_activity) == expected


def test_given_the_first_of_a_month_then_the_months_offered_are_the_complete_ones_newest_first():
    assert statements.complete_months(date(2026, 12, 1), date(2026, 9, 30)) == [
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 9, 1), date(2026, 9, 30)),
    ]
    assert statements.complete_months(date(2026, 12, 1), None) == []


async def test_given_the_first_of_december_then_the_statements_page_opens_with_november_to_today(
    browser, providers
):
    with clock.frozen(FIRST_OF_DECEMBER):
        w = await world(today=date(2026, 12, 1))
        await sign_in(browser, LOGIN, await person(providers["a"], "carla@xenon.example"))
        page = await browser.get(f"/portal/accounts/{ids.encode_id('Account', w.x.id)}/statements")

    assert page.status_code == 200
    assert "Dec 1, 2026 to Dec 1, 2026" not in page.text
    latest = page.text.split('id="latest-statement"')[1].split("</a>")[0]
    assert "Statement Nov 1, 2026 to Dec 1, 2026 (PDF)" in latest
    assert "from=2026-11-01&amp;to=2026-12-01" in page.text
    assert 'value="2026-11-01"' in page.text and 'value="2026-12-01"' in page.text
    # INV-X1 was issued 120 days before: August to November are complete months with activity.
    assert "Statement Nov 1, 2026 to Nov 30, 2026 (PDF)" in page.text
    assert "Statement Aug 1, 2026 to Aug 31, 2026 (PDF)" in page.text
    assert "Jul 1, 2026" not in page.text


STATEMENTS = "query($id: ID!) { account(id: $id) { statements { periodFrom periodTo pdfUrl } } }"


async def test_given_the_portal_api_then_statements_start_with_the_default_period_then_whole_months(
    browser, providers
):
    with clock.frozen(FIRST_OF_DECEMBER):
        w = await world(today=date(2026, 12, 1))
        await sign_in(browser, LOGIN, await person(providers["a"], "carla@xenon.example"))
        answer = await graphql(
            browser, "/portal/graphql", STATEMENTS, "portal", {"id": ids.encode_id("Account", w.x.id)}
        )
        other = await graphql(
            browser, "/portal/graphql", STATEMENTS, "portal", {"id": ids.encode_id("Account", w.z.id)}
        )

    periods = [(p["periodFrom"], p["periodTo"]) for p in answer.json()["data"]["account"]["statements"]]
    assert periods == [
        ("2026-11-01", "2026-12-01"),
        ("2026-11-01", "2026-11-30"),
        ("2026-10-01", "2026-10-31"),
        ("2026-09-01", "2026-09-30"),
        ("2026-08-01", "2026-08-31"),
    ]
    assert other.json()["errors"][0]["extensions"]["code"] == "not_found"
