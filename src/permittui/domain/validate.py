"""Turn file records into models, collecting every problem as FILE:LINE: field: message.

Validation never stops at the first problem (the user fixes a file in one pass) and never
raises for bad data: callers decide to import nothing when any problem was found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from typing import Any

from permittui.domain import models as m
from permittui.domain.metrics import END_USE_METRIC
from permittui.errors import Problem
from permittui.formats.records import Document, Record

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
    _duplicates(doc, "id", [(c.id, r) for c, r in zip(out, doc.records, strict=False)], problems)
    return out, problems


# ── requests ─────────────────────────────────────────────────────────────────────────────

_REQUEST_FIELDS = {
    "id",
    "kind",
    "customer",
    "entries",
    "end_use",
    "end_use_category",
    "model",
    "evaluations",
    "summary",
    "submitted",
    "registered",
    "status",
    "assignee",
    "priority",
}


def requests(
    doc: Document,
    known_codes: set[str],
    known_customers: set[str],
    metrics: dict[str, m.Metric] | None = None,
    categories: dict[str, m.EndUse] | None = None,
) -> tuple[list[m.Request], list[Problem]]:
    """Requests from a file. `metrics`: the schedule's metrics (each evaluation is read against its
    own, domain.metrics); `categories`: the end-use vocabulary an access request declares from."""
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
        evaluations, declared = _evaluations(f, metrics)
        category = _category(f, kind, declared, categories)
        if kind == "release" and f.raw("evaluations", False) is _MISSING and not entries:
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
                end_use_category=category,
            )
        )
    _duplicates(doc, "id", [(r.id, rec) for r, rec in zip(out, doc.records, strict=True)], problems)
    return out, problems


def _category(f: Fields, kind: str, declared: Any, categories: dict[str, m.EndUse] | None) -> str | None:
    """The declared end-use category as its vocabulary code: case and spacing aside, one of the
    vocabulary's, or a problem. Access requests must declare one."""
    from permittui.domain.metrics import category_key

    raw = f.raw(END_USE_METRIC, False)
    if raw is _MISSING:
        raw = declared
    elif declared is not _MISSING and declared != raw:
        f.bad(END_USE_METRIC, f"declared as {raw!r} here and as {declared!r} in evaluations")
    if raw is _MISSING:
        if kind == "access":
            f.bad(END_USE_METRIC, "missing: an access request declares its end-use category")
        return None
    if not isinstance(raw, str) or not raw.strip():
        f.bad(END_USE_METRIC, f"expected a category name, got {_kind(raw)}")
        return None
    key = category_key(raw)
    if categories is not None and key not in categories:
        near = difflib.get_close_matches(key, list(categories), n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        f.bad(END_USE_METRIC, f"{raw.strip()!r} is not an end-use category{hint}")
        return None
    return key


def _evaluations(f: Fields, metrics: dict[str, m.Metric] | None) -> tuple[tuple[m.Evaluation, ...], Any]:
    """The evaluations read against their metrics (converted where unambiguous), and an end-use
    category declared among them the old way (or _MISSING)."""
    from permittui.domain.metrics import ValueProblem, read

    raw = f.raw("evaluations", False)
    declared: Any = _MISSING
    if raw is _MISSING:
        return (), declared
    if not isinstance(raw, dict):
        f.bad("evaluations", "expected a mapping of metric: value (or metric: {value, unit})")
        return (), declared
    out = []
    for name, value in raw.items():
        metric = str(name)
        unit = None
        if isinstance(value, dict):
            if "value" not in value:
                f.bad("evaluations", f"{metric}: missing value")
                continue
            unknown = sorted(str(k) for k in value if k not in ("value", "unit"))
            if unknown:
                f.bad("evaluations", f"{metric}: unknown field {', '.join(unknown)}")
                continue
            unit = value.get("unit")
            if unit is not None and not isinstance(unit, str):
                f.bad("evaluations", f"{metric}: unit must be text, got {_kind(unit)}")
                continue
            value = value["value"]
        if metric == END_USE_METRIC:
            declared = value
            continue
        if not isinstance(value, (int, float, bool, str)):
            f.bad("evaluations", f"{metric}: expected a number, true/false or text, got {_kind(value)}")
            continue
        if metrics is None:
            out.append(m.Evaluation(metric, value, unit))
            continue
        definition = metrics.get(metric)
        if definition is None:
            near = difflib.get_close_matches(metric, [n for n in metrics if n != END_USE_METRIC], n=1, cutoff=0.75)
            hint = f" (did you mean {near[0]}?)" if near else ""
            f.bad("evaluations", f"{metric}: no metric of that name in the schedule{hint}")
            continue
        try:
            read_value, reported = read(definition, value, unit)
        except ValueProblem as e:
            f.bad("evaluations", f"{metric}: {e}")
            continue
        out.append(m.Evaluation(metric, read_value, definition.unit if reported else unit, reported))
    return tuple(out), declared


# ── reasons and conditions ───────────────────────────────────────────────────────────────


def reasons(doc: Document) -> tuple[list[m.ReasonCode], list[Problem]]:
    problems: list[Problem] = []
    out = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown({"code", "label", "applies_to"})
        out.append(m.ReasonCode(f.text("code", limit=64), f.text("label", limit=300), f.texts("applies_to")))
    _duplicates(doc, "code", [(r.code, rec) for r, rec in zip(out, doc.records, strict=False)], problems)
    return out, problems


def conditions(doc: Document) -> tuple[list[m.CannedCondition], list[Problem]]:
    problems: list[Problem] = []
    out = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown({"code", "text"})
        out.append(m.CannedCondition(f.text("code", limit=64), f.text("text", limit=2000)))
    _duplicates(doc, "code", [(c.code, rec) for c, rec in zip(out, doc.records, strict=False)], problems)
    return out, problems
