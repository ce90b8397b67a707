"""The things of the regime (design §2), as frozen value records: Record below gives them a
dataclass's equality, hashing, repr and immutability without its cost at start-up."""

from __future__ import annotations

from typing import Any, ClassVar

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


# @dataclass writes each class's methods as source text and compiles it at import time: about a
# millisecond a class on a quiet machine, and `permittui show` imports some fifteen of them before
# it has read a row. Here a class writes its own __init__ (compiled once into the .pyc like any other
# code) that ends with `self._init(locals())`; its fields are its __init__'s parameters, in order.
# Equality, hashing, repr and frozen-ness follow the fields as a dataclass's do (eq=True,
# frozen=True for Record; frozen=False, and so unhashable, for MutableRecord).


class Record:
    """Frozen: equal to another instance of the same class with equal fields, and hashable."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__init__.__code__
        cls._fields = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
        cls.__match_args__ = cls._fields

    def _init(self, values: dict[str, Any]) -> None:
        # Straight into __dict__, as a frozen dataclass's __init__ does with object.__setattr__.
        d = self.__dict__
        for name in self._fields:
            d[name] = values[name]

    def _astuple(self) -> tuple[Any, ...]:
        d = self.__dict__
        return tuple([d[name] for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._astuple() == other._astuple()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        d = self.__dict__
        return f"{type(self).__qualname__}({', '.join(f'{n}={d[n]!r}' for n in self._fields)})"

    def __setattr__(self, name: str, value: Any) -> None:
        from dataclasses import FrozenInstanceError  # only on a mistake: dataclasses is a heavy import

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")


class MutableRecord(Record):
    """Like a dataclass with eq=True and frozen=False: fields may be assigned, and it isn't hashable."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__
    __hash__ = None  # type: ignore[assignment]

    def __init__(self) -> None:  # replaced by each subclass's own
        self._init(locals())


class Metric(Record):
    """A metric as the schedule defines it once (domain.metrics reads values against it)."""

    name: str
    type: str  # number | boolean | category
    unit: str
    minimum: float | None
    maximum: float | None
    integer: bool
    values: tuple[str, ...]  # a category's allowed values; empty = any

    def __init__(
        self,
        name: str,
        type: str,
        unit: str,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        values: tuple[str, ...] = (),
    ) -> None:
        self._init(locals())


class Threshold(Record):
    metric: str
    operator: str
    value: Any
    unit: str
    definition: Metric | None  # the schedule's definition of the metric; None: implied by the threshold

    def __init__(self, metric: str, operator: str, value: Any, unit: str, definition: Metric | None = None) -> None:
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
    red_line: str | None  # the core red line (domain.core_red_lines) this entry carries

    def __init__(
        self,
        code: str,
        category: str,
        title: str,
        description: str,
        threshold: Threshold | None,
        trigger: str,
        review_window_days: int,
        allow_list_cap: int | None = None,
        countersign: bool = False,
        validity_days: int = DEFAULT_VALIDITY_DAYS,
        red_line_phrases: tuple[str, ...] = (),
        source: str = "",
        red_line: str | None = None,
    ) -> None:
        self._init(locals())


class Schedule(Record):
    id: str
    version: str
    status: str
    effective_from: str | None
    notes: tuple[str, ...]
    entries: tuple[ScheduleEntry, ...]
    metrics: tuple[Metric, ...]

    def __init__(
        self,
        id: str,
        version: str,
        status: str,
        effective_from: str | None,
        notes: tuple[str, ...],
        entries: tuple[ScheduleEntry, ...],
        metrics: tuple[Metric, ...] = (),
    ) -> None:
        self._init(locals())


class Customer(Record):
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    sector: str
    vetting: str

    def __init__(
        self,
        id: str,
        name: str,
        aliases: tuple[str, ...] = (),
        country: str = "",
        sector: str = "",
        vetting: str = "provisional",
    ) -> None:
        self._init(locals())


class Evaluation(Record):
    """One evaluation result of a model: metric -> value, with the unit it was reported in, and
    what the applicant reported when an import converted it to the metric's unit ("95 percent")."""

    metric: str
    value: Any
    unit: str | None
    reported: str | None

    def __init__(self, metric: str, value: Any, unit: str | None = None, reported: str | None = None) -> None:
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
    end_use_category: str | None  # declared, from the end-use vocabulary (data/end_uses.yaml)

    def __init__(
        self,
        id: str,
        kind: str,
        customer_id: str,
        entries: tuple[str, ...],
        end_use: str,
        submitted: str,
        summary: str = "",
        model: str | None = None,
        evaluations: tuple[Evaluation, ...] = (),
        status: str = "pending",
        assignee: str | None = None,
        priority: str = "normal",
        registered: str | None = None,
        end_use_category: str | None = None,
    ) -> None:
        self._init(locals())

    @property
    def registered_on(self) -> str:
        return self.registered or self.submitted


class ReasonCode(Record):
    code: str
    label: str
    applies_to: tuple[str, ...]  # outcomes it fits; empty = any

    def __init__(self, code: str, label: str, applies_to: tuple[str, ...] = ()) -> None:
        self._init(locals())


class EndUse(Record):
    """A category of the end-use vocabulary; `red_line` names the core red line it is, if any."""

    code: str
    label: str
    description: str
    red_line: str | None

    def __init__(self, code: str, label: str, description: str = "", red_line: str | None = None) -> None:
        self._init(locals())


class CannedCondition(Record):
    code: str
    text: str

    def __init__(self, code: str, text: str) -> None:
        self._init(locals())
