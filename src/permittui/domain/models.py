"""The things of the regime (design §2), as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES = ("cyber", "bio_chem", "autonomy", "surveillance", "weights_compute")
TRIGGERS = ("pre_release_review", "licence_required", "prohibited")
OPERATORS = (">", ">=", "<", "<=", "==", "!=", "in")
SCHEDULE_STATUSES = ("draft", "in_force", "suspended", "rescinded")
VETTING = ("vetted", "provisional", "suspended")
REQUEST_KINDS = ("access", "release", "renewal")
PRIORITIES = ("low", "normal", "high", "urgent")
GRANT_STATUSES = ("active", "suspended", "revoked", "expired")

# Open statuses are the officer's queue; the rest are decided.
OPEN_STATUSES = ("pending", "info_requested", "referred", "awaiting_countersign")
CLOSED_STATUSES = ("approved", "approved_with_conditions", "denied", "returned")
REQUEST_STATUSES = OPEN_STATUSES + CLOSED_STATUSES

DEFAULT_VALIDITY_DAYS = 365


@dataclass(frozen=True)
class Threshold:
    metric: str
    operator: str
    value: Any
    unit: str


@dataclass(frozen=True)
class ScheduleEntry:
    code: str
    category: str
    title: str
    description: str
    threshold: Threshold | None
    trigger: str
    review_window_days: int
    allow_list_cap: int | None = None
    countersign: bool = False
    validity_days: int = DEFAULT_VALIDITY_DAYS
    red_line_phrases: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Schedule:
    id: str
    version: str
    status: str
    effective_from: str | None
    notes: tuple[str, ...]
    entries: tuple[ScheduleEntry, ...]


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    sector: str = ""
    vetting: str = "provisional"


@dataclass(frozen=True)
class Evaluation:
    """One evaluation result of a model: metric -> value, with the unit it was reported in."""

    metric: str
    value: Any
    unit: str | None = None


@dataclass(frozen=True)
class Request:
    id: str
    kind: str
    customer_id: str
    entries: tuple[str, ...]
    end_use: str
    submitted: str
    summary: str = ""
    model: str | None = None
    evaluations: tuple[Evaluation, ...] = ()
    status: str = "pending"
    assignee: str | None = None
    priority: str = "normal"
    registered: str | None = None

    @property
    def registered_on(self) -> str:
        return self.registered or self.submitted


@dataclass(frozen=True)
class ReasonCode:
    code: str
    label: str
    applies_to: tuple[str, ...] = field(default=())  # outcomes it fits; empty = any


@dataclass(frozen=True)
class CannedCondition:
    code: str
    text: str
