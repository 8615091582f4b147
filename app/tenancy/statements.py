"""``[[statement_emails]]`` of a tenant file: statements emailed to customers on a schedule (docs/collections.md).

    [[statement_emails]]
    name = "monthly"
    every = "monthly"        # or "weekly"
    day = 1                  # monthly: day of the month (1-28); weekly: ISO weekday (1 = Monday)
    kind = "open_item"       # or "activity"
    audience = "balance"     # every customer with a balance that day, or "all" customers

Each runs at 07:00 in the tenant's time zone on its day, as of the day before (the completed period),
and emails each customer's statement to its billing email; a customer without one is listed as skipped
with the reason. Checked at start-up like the rest of the file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class StatementEmails(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,29}$")
    every: Literal["weekly", "monthly"] = "monthly"
    day: int = 1
    kind: Literal["open_item", "activity"] = "open_item"
    audience: Literal["balance", "all"] = "balance"

    @field_validator("day")
    @classmethod
    def _day(cls, day: int, info: ValidationInfo) -> int:
        top = 7 if info.data.get("every") == "weekly" else 28
        if not 1 <= day <= top:
            unit = "an ISO weekday (1 = Monday .. 7)" if top == 7 else "a day of the month (1-28)"
            raise ValueError(f"must be {unit}, got {day}")
        return day

    @property
    def cron(self) -> str:
        if self.every == "weekly":
            return f"0 7 * * {self.day % 7}"
        return f"0 7 {self.day} * *"

    @property
    def schedule_name(self) -> str:
        return f"statements-{self.name}"
