"""Turn file records into models, collecting every problem as FILE:LINE: field: message.

Validation never stops at the first problem (the user fixes a file in one pass) and never
raises for bad data: callers decide to import nothing when any problem was found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from permittui.domain import models as m
from permittui.errors import Problem
from permittui.formats.records import Document, Record

_CODE_RE = re.compile(r"^AI\.[A-Z]\.\d+\.[a-z]+$")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
MAX_TEXT = 20_000
_MISSING = object()


class Fields:
    """Reads typed fields from one record, noting a Problem for each bad one."""

    def __init__(self, doc_path: str, rec: Record, problems: list[Problem]) -> None:
        self.path, self.rec, self.problems = doc_path, rec, problems

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.rec.line_of(key), key, message))

    def raw(self, key: str, required: bool) -> Any:
        value = self.rec.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problems.append(Problem(self.path, self.rec.line, key, "missing"))
            return _MISSING
        return value

    def text(self, key: str, required: bool = True, default: str = "", limit: int = MAX_TEXT) -> str:
        value = self.raw(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.bad(key, f"expected text, got {_kind(value)}")
            return default
        value = str(value).strip()
        if required and not value:
            self.bad(key, "must not be empty")
        if len(value) > limit:
            self.bad(key, f"longer than {limit} characters")
        return value

    def ident(self, key: str, required: bool = True) -> str:
        value = self.text(key, required, limit=64)
        if value and not _ID_RE.match(value):
            self.bad(key, f"{value!r} is not a valid id (letters, digits, . _ : -)")
        return value

    def choice(self, key: str, options: Iterable[str], default: str | None = None) -> str:
        options = tuple(options)
        value = self.text(key, required=default is None, default=default or "")
        if value and value not in options:
            self.bad(key, f"{value!r} is not one of {', '.join(options)}")
        return value

    def integer(self, key: str, required: bool = True, default: int | None = None, minimum: int = 0) -> int | None:
        value = self.raw(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(key, f"expected a whole number, got {_kind(value)}")
            return default
        if value < minimum:
            self.bad(key, f"must be at least {minimum}")
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.raw(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.bad(key, f"expected true or false, got {_kind(value)}")
            return default
        return value

    def date(self, key: str, required: bool = True) -> str | None:
        value = self.raw(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.bad(key, f"expected a date YYYY-MM-DD, got {_kind(value)}")
            return None
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            self.bad(key, f"{value!r} is not a date YYYY-MM-DD")
            return None

    def texts(self, key: str, required: bool = False, limit: int = 1000) -> tuple[str, ...]:
        value = self.raw(key, required)
        if value is _MISSING:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(key, "expected a list of text")
            return ()
        if len(value) > limit:
            self.bad(key, f"more than {limit} items")
        out = tuple(v.strip() for v in value if v.strip())
        if required and not out:
            self.bad(key, "must list at least one")
        return out

    def unknown(self, allowed: set[str]) -> None:
        for key in self.rec.data:
            if key not in allowed:
                self.bad(key, "unknown field")


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def _duplicates(doc: Document, key: str, ids: list[tuple[str, Record]], problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for value, rec in ids:
        if not value:
            continue
        if value in seen:
            problems.append(
                Problem(doc.path, rec.line_of(key), key, f"duplicate id {value!r} (first on line {seen[value]})")
            )
        else:
            seen[value] = rec.line_of(key)


# ── schedule ─────────────────────────────────────────────────────────────────────────────

_ENTRY_FIELDS = {
    "code",
    "category",
    "title",
    "description",
    "threshold",
    "trigger",
    "review_window_days",
    "allow_list_cap",
    "countersign",
    "validity_days",
    "red_line_phrases",
    "source",
    # carried in the draft schedule for people; kept in the file, not used by the rules
    "related_controls",
    "notification_deadline_days",
    "notes",
    "decontrol_note",
}


def schedule(doc: Document) -> tuple[m.Schedule | None, list[Problem]]:
    problems: list[Problem] = []
    head = doc.header.get("schedule")
    head_line = doc.header_lines.get("schedule", 1)
    if not isinstance(head, dict):
        problems.append(
            Problem(doc.path, head_line, "schedule", "missing: a 'schedule:' mapping with id, version, status")
        )
        head = {}
    hf = Fields(doc.path, Record(head, head_line, {}), problems)
    sid = hf.text("id")
    version = hf.text("version", limit=64)
    status = hf.choice("status", m.SCHEDULE_STATUSES, default="draft")
    effective = hf.date("effective_from", required=False)
    notes = hf.texts("notes")

    entries = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown(_ENTRY_FIELDS)
        code = f.text("code", limit=32)
        if code and not _CODE_RE.match(code):
            f.bad("code", f"{code!r} is not a schedule code like AI.C.1.a")
        trigger = f.choice("trigger", m.TRIGGERS)
        entries.append(
            m.ScheduleEntry(
                code=code,
                category=f.choice("category", m.CATEGORIES),
                title=f.text("title", limit=300),
                description=f.text("description", required=False),
                threshold=_threshold(f),
                trigger=trigger,
                review_window_days=f.integer(
                    "review_window_days", required=False, default=0 if trigger == "prohibited" else 30
                )
                or 0,
                allow_list_cap=f.integer("allow_list_cap", required=False, minimum=1),
                countersign=f.boolean("countersign", default=trigger == "prohibited"),
                validity_days=f.integer("validity_days", required=False, default=m.DEFAULT_VALIDITY_DAYS, minimum=1)
                or m.DEFAULT_VALIDITY_DAYS,
                red_line_phrases=f.texts("red_line_phrases"),
                source=f.text("source", required=False),
            )
        )
    _duplicates(doc, "code", [(e.code, r) for e, r in zip(entries, doc.records)], problems)
    if not entries:
        problems.append(Problem(doc.path, None, "entries", "the schedule has no entries"))
    if problems:
        return None, problems
    return m.Schedule(sid, version, status, effective, notes, tuple(entries)), problems


def _threshold(f: Fields) -> m.Threshold | None:
    raw = f.raw("threshold", False)
    if raw is _MISSING:
        return None
    if not isinstance(raw, dict):
        f.bad("threshold", "expected a mapping with metric, operator, value, unit")
        return None
    missing = [k for k in ("metric", "operator", "value", "unit") if raw.get(k) is None]
    if missing:
        f.bad("threshold", f"missing {', '.join(missing)}")
        return None
    if raw["operator"] not in m.OPERATORS:
        f.bad("threshold", f"operator {raw['operator']!r} is not one of {' '.join(m.OPERATORS)}")
        return None
    value = raw["value"]
    if raw["operator"] in ("<", "<=", ">", ">=") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        hint = " (YAML reads 1.0e26 as text: write 1.0e+26)" if isinstance(value, str) else ""
        f.bad("threshold", f"operator {raw['operator']!r} needs a number, got {_kind(value)} {value!r}{hint}")
        return None
    if raw["operator"] == "in" and not isinstance(value, list):
        f.bad("threshold", "operator 'in' needs a list value")
        return None
    return m.Threshold(str(raw["metric"]), raw["operator"], value, str(raw["unit"]))


# ── customers ────────────────────────────────────────────────────────────────────────────

_CUSTOMER_FIELDS = {"id", "name", "aliases", "country", "sector", "vetting"}


def customers(doc: Document) -> tuple[list[m.Customer], list[Problem]]:
    problems: list[Problem] = []
    out = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown(_CUSTOMER_FIELDS)
        country = f.text("country", limit=2).upper()
        if country and not _COUNTRY_RE.match(country):
            f.bad("country", f"{country!r} is not a two-letter country code")
        out.append(
            m.Customer(
                id=f.ident("id"),
                name=f.text("name", limit=300),
                aliases=f.texts("aliases", limit=50),
                country=country,
                sector=f.text("sector", required=False, limit=100),
                vetting=f.choice("vetting", m.VETTING),
            )
        )
    _duplicates(doc, "id", [(c.id, r) for c, r in zip(out, doc.records)], problems)
    return out, problems


# ── requests ─────────────────────────────────────────────────────────────────────────────

_REQUEST_FIELDS = {
    "id",
    "kind",
    "customer",
    "entries",
    "end_use",
    "model",
    "evaluations",
    "summary",
    "submitted",
    "registered",
    "status",
    "assignee",
    "priority",
}


def requests(doc: Document, known_codes: set[str], known_customers: set[str]) -> tuple[list[m.Request], list[Problem]]:
    problems: list[Problem] = []
    out = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown(_REQUEST_FIELDS)
        kind = f.choice("kind", m.REQUEST_KINDS)
        customer = f.ident("customer")
        if customer and customer not in known_customers:
            f.bad("customer", f"unknown customer {customer!r} (import customers first)")
        entries = f.texts("entries", required=kind in ("access", "renewal"), limit=50)
        for code in entries:
            if code not in known_codes:
                f.bad("entries", f"unknown capability code {code!r}")
        evaluations = _evaluations(f)
        if kind == "release" and not evaluations and not entries:
            f.bad("evaluations", "a release request needs evaluation results or requested entries")
        status = f.choice("status", m.OPEN_STATUSES, default="pending")
        if status in ("awaiting_countersign", "referred"):  # a status an import cannot give: say why
            f.bad(
                "status",
                f"{status} needs a decision behind it (a countersign the decision it confirms, a referral"
                " its inspector and due date), which an import cannot give; import it as pending and decide it",
            )
        out.append(
            m.Request(
                id=f.ident("id"),
                kind=kind,
                customer_id=customer,
                entries=entries,
                end_use=f.text("end_use"),
                submitted=f.date("submitted") or "",
                summary=f.text("summary", required=False),
                model=f.text("model", required=False, limit=200) or None,
                evaluations=evaluations,
                status=status,
                assignee=f.text("assignee", required=False, limit=64) or None,
                priority=f.choice("priority", m.PRIORITIES, default="normal"),
                registered=f.date("registered", required=False),
            )
        )
    _duplicates(doc, "id", [(r.id, rec) for r, rec in zip(out, doc.records)], problems)
    return out, problems


def _evaluations(f: Fields) -> tuple[m.Evaluation, ...]:
    raw = f.raw("evaluations", False)
    if raw is _MISSING:
        return ()
    if not isinstance(raw, dict):
        f.bad("evaluations", "expected a mapping of metric: value (or metric: {value, unit})")
        return ()
    out = []
    for metric, value in raw.items():
        unit = None
        if isinstance(value, dict):
            if "value" not in value:
                f.bad("evaluations", f"{metric}: missing value")
                continue
            unit = value.get("unit")
            if unit is not None and not isinstance(unit, str):
                f.bad("evaluations", f"{metric}: unit must be text")
                continue
            value = value["value"]
        if not isinstance(value, (int, float, bool, str)):
            f.bad("evaluations", f"{metric}: expected a number, true/false or text, got {_kind(value)}")
            continue
        out.append(m.Evaluation(metric, value, unit))
    return tuple(out)


# ── reasons and conditions ───────────────────────────────────────────────────────────────


def reasons(doc: Document) -> tuple[list[m.ReasonCode], list[Problem]]:
    problems: list[Problem] = []
    out = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown({"code", "label", "applies_to"})
        out.append(m.ReasonCode(f.text("code", limit=64), f.text("label", limit=300), f.texts("applies_to")))
    _duplicates(doc, "code", [(r.code, rec) for r, rec in zip(out, doc.records)], problems)
    return out, problems


def conditions(doc: Document) -> tuple[list[m.CannedCondition], list[Problem]]:
    problems: list[Problem] = []
    out = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown({"code", "text"})
        out.append(m.CannedCondition(f.text("code", limit=64), f.text("text", limit=2000)))
    _duplicates(doc, "code", [(c.code, rec) for c, rec in zip(out, doc.records)], problems)
    return out, problems
