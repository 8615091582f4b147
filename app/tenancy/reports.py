"""``[reports]`` of a tenant file: the management pack's email schedules (docs/reports.md).

    [[reports.schedules]]
    addresses = ["cfo@cloudly.example", "controller@cloudly.example"]
    every = "monthly"        # or "weekly"
    day = 1                  # monthly: day of the month (1-28); weekly: ISO weekday (1 = Monday)
    format = "pdf"           # or "xlsx"

Each schedule is validated at start-up (every address, the period, the day, the format), so a typo
stops the server with the file and the field named instead of a pack that silently never arrives.
The jobs scheduler runs them (``app.jobs.schedules``, job ``reports.management_pack`` in ``app.reports.delivery``): as of the day before the run, the figures of
the completed period.
"""

from __future__ import annotations

from typing import Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackSchedule(_Strict):
    addresses: list[str] = Field(min_length=1, max_length=50)
    every: Literal["weekly", "monthly"]
    day: int = 1
    format: Literal["xlsx", "pdf"] = "pdf"

    @field_validator("addresses")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            try:
                out.append(validate_email(value, check_deliverability=False).normalized)
            except EmailNotValidError as exc:
                raise ValueError(f"{value!r} is not an email address: {exc}") from None
        if len(set(out)) != len(out):
            raise ValueError("an address is listed twice")
        return out

    @field_validator("day")
    @classmethod
    def _day(cls, day: int, info: ValidationInfo) -> int:
        every = info.data.get("every")
        top = 7 if every == "weekly" else 28
        if not 1 <= day <= top:
            unit = "an ISO weekday (1 = Monday .. 7)" if every == "weekly" else "a day of the month (1-28)"
            raise ValueError(f"must be {unit}, got {day}")
        return day

    @property
    def cron(self) -> str:
        """When the jobs scheduler runs it: 07:00 in the tenant's time zone on its day (cron counts
        Sunday as 0, ISO as 7)."""
        if self.every == "weekly":
            return f"0 7 * * {self.day % 7}"
        return f"0 7 {self.day} * *"


class ReportsConfig(_Strict):
    schedules: list[PackSchedule] = Field(default_factory=list, max_length=20)
