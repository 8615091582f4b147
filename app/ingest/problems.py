"""One problem found in a batch: where (record type, index or CSV line, field), a stable code, a message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    record_type: str
    index: int | None
    field: str | None
    code: str
    message: str
    #: ``"invoices.csv:12"`` when the record came from a CSV file; JSON records are named by index.
    source: str | None = None

    @property
    def location(self) -> str:
        if self.source:
            return self.source
        return f"{self.record_type}[{self.index}]" if self.index is not None else self.record_type

    @property
    def field_path(self) -> list[str]:
        """``["invoices", "3", "lines[0].unitPrice"]``: the GraphQL userError ``field``."""
        path = [self.record_type]
        if self.index is not None:
            path.append(str(self.index))
        if self.field:
            path.append(self.field)
        return path

    def as_dict(self) -> dict[str, object]:
        return {
            "recordType": self.record_type,
            "index": self.index,
            "source": self.source,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.location}.{self.field}" if self.field else self.location
        return f"{where}: {self.code}: {self.message}"
