"""The things of the regime (design §2), as frozen value records (domain.record: a dataclass's
equality, hashing and immutability without its cost at start-up)."""

from __future__ import annotations

from typing import Any

from permittui.domain.record import Record

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


class Threshold(Record):
    metric: str
    operator: str
    value: Any
    unit: str

    def __init__(self, metric: str, operator: str, value: Any, unit: str) -> None:
        self._init(locals())


class ScheduleEntry(Record):
    code: str
    category: str
    title: str
    description: str
    threshold: Threshold | None
    trigger: str
    review_window_days: int
    allow_list_cap: int | None
    countersign: bool
    validity_days: int
    red_line_phrases: tuple[str, ...]
    source: str

    def __init__(self, code: str, category: str, title: str, description: str, threshold: Threshold | None,
                 trigger: str, review_window_days: int, allow_list_cap: int | None = None, countersign: bool = False,
                 validity_days: int = DEFAULT_VALIDITY_DAYS, red_line_phrases: tuple[str, ...] = (),
                 source: str = "") -> None:
        self._init(locals())


class Schedule(Record):
    id: str
    version: str
    status: str
    effective_from: str | None
    notes: tuple[str, ...]
    entries: tuple[ScheduleEntry, ...]

    def __init__(self, id: str, version: str, status: str, effective_from: str | None, notes: tuple[str, ...],
                 entries: tuple[ScheduleEntry, ...]) -> None:
        self._init(locals())


class Customer(Record):
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    sector: str
    vetting: str

    def __init__(self, id: str, name: str, aliases: tuple[str, ...] = (), country: str = "", sector: str = "",
                 vetting: str = "provisional") -> None:
        self._init(locals())


class Evaluation(Record):
    """One evaluation result of a model: metric -> value, with the unit it was reported in."""

    metric: str
    value: Any
    unit: str | None

    def __init__(self, metric: str, value: Any, unit: str | None = None) -> None:
        self._init(locals())


class Request(Record):
    id: str
    kind: str
    customer_id: str
    entries: tuple[str, ...]
    end_use: str
    submitted: str
    summary: str
    model: str | None
    evaluations: tuple[Evaluation, ...]
    status: str
    assignee: str | None
    priority: str
    registered: str | None

    def __init__(self, id: str, kind: str, customer_id: str, entries: tuple[str, ...], end_use: str, submitted: str,
                 summary: str = "", model: str | None = None, evaluations: tuple[Evaluation, ...] = (),
                 status: str = "pending", assignee: str | None = None, priority: str = "normal",
                 registered: str | None = None) -> None:
        self._init(locals())

    @property
    def registered_on(self) -> str:
        return self.registered or self.submitted


class ReasonCode(Record):
    code: str
    label: str
    applies_to: tuple[str, ...]   # outcomes it fits; empty = any

    def __init__(self, code: str, label: str, applies_to: tuple[str, ...] = ()) -> None:
        self._init(locals())


class CannedCondition(Record):
    code: str
    text: str

    def __init__(self, code: str, text: str) -> None:
        self._init(locals())
