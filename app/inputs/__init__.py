"""The rules every input meets at the edges, one definition per kind.

Each module here reads one kind of value the way a finance API must (money, dates, currencies and
countries, text, email addresses, closed vocabularies, customer filters) and refuses anything else with
``ValidationFailed`` carrying a stable ``code`` and the ``field`` it came from. GraphQL mutations turn
that into ``userErrors``, GraphQL arguments into ``extensions.code``, HTTP routes into a 400 JSON body,
and ERP ingest into a problem with record, field and code (``app.ingest.fields``), so a rule is stated
once and met the same way whichever door a value came through. ``docs/validation.md`` is the table.

Nothing here touches the database: the one rule that needs stored rows (a foreign currency needs an FX
rate on or before the document's date) lives in ``app.fx.service.require_rates`` and uses these codes.
"""

from app.inputs.errors import invalid

__all__ = ["invalid"]
