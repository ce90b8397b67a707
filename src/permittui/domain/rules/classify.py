"""Which schedule entries a request triggers, and which red lines it touches."""

from __future__ import annotations

import math
import operator as op
from typing import Any, NamedTuple

from permittui.domain import core_red_lines, metrics
from permittui.domain.matchform import bound, contains_phrase, phrase_key, words
from permittui.domain.metrics import END_USE_METRIC
from permittui.domain.models import Evaluation, Record, Request, ScheduleEntry


class Triggered(Record):
    code: str
    trigger: str
    reason: str
    review_window_days: int
    countersign: bool

    def __init__(self, code: str, trigger: str, reason: str, review_window_days: int, countersign: bool) -> None:
        self._init(locals())


class MetricNote(Record):
    """What the rules could not compare. `blocking`: it could hide a crossed threshold, so no one
    may approve until it is put right (fail closed)."""

    code: str
    metric: str
    problem: str
    blocking: bool

    def __init__(self, code: str, metric: str, problem: str, blocking: bool = True) -> None:
        self._init(locals())


class TextNote(Record):
    """Why an applicant's text cannot be read plainly (domain.matchform.inspect), and where."""

    field: str
    kind: str
    message: str

    def __init__(self, field: str, kind: str, message: str) -> None:
        self._init(locals())


APPLICANT_TEXT = ("end_use", "summary", "model")


def text_issues(request: Request) -> list[TextNote]:
    """The applicant's texts a rule reads, inspected: invisible characters, mixed scripts in a word,
    look-alike letters. Any of them means one officer may not approve (lifecycle)."""
    from permittui.domain.matchform import inspect

    out = []
    for name in APPLICANT_TEXT:
        text = getattr(request, name) or ""
        if text.isascii() and text.isprintable():
            continue  # plain ASCII hides nothing: the common case costs one scan
        out += [TextNote(name, i.kind, f"{name.replace('_', ' ')}: {i.message}") for i in inspect(text)]
    return out


class RedLine(Record):
    code: str
    reason: str

    def __init__(self, code: str, reason: str) -> None:
        self._init(locals())


_OPS = {">": op.gt, ">=": op.ge, "<": op.lt, "<=": op.le, "==": op.eq, "!=": op.ne}


def compare(value: Any, operator: str, threshold: Any) -> bool | None:
    """True/False when comparable; None when the types don't allow a comparison."""
    if isinstance(value, float) and math.isnan(value):
        return None  # "NaN" crosses no threshold and is below none: not compared
    if operator == "in":
        if not isinstance(threshold, (list, tuple)) or isinstance(value, (list, dict)):
            return None
        return value in threshold
    if operator not in _OPS:
        return None
    if isinstance(threshold, bool) or isinstance(value, bool):
        if not (isinstance(threshold, bool) and isinstance(value, bool)):
            return None
        if operator == "==":
            return value == threshold
        if operator == "!=":
            return value != threshold
        return None
    if isinstance(threshold, (int, float)) and isinstance(value, (int, float)):
        try:
            a, b = float(value), float(threshold)
        except OverflowError:
            return None
    elif isinstance(threshold, str) and isinstance(value, str):
        a, b = value, threshold  # type: ignore[assignment]
        if operator not in ("==", "!="):
            return None
    else:
        return None
    return _OPS[operator](a, b)


def classify(request: Request, entries: dict[str, ScheduleEntry]) -> tuple[list[Triggered], list[MetricNote]]:
    """Entries requested, plus thresholds crossed by the evaluations and the declared category.

    What can't be compared is a note, never an exception, and a note that could hide a crossed
    threshold blocks approval (`MetricNote.blocking`): a requested code not on the schedule, a
    value of the wrong type, in an unknown or unconvertible unit, non-finite or out of range, an
    evaluation no entry measures (a misspelt metric would dodge its threshold), a release with no
    results at all. Thresholds a release reports no result for are a note that does not block.
    """
    triggered: dict[str, Triggered] = {}
    notes: list[MetricNote] = []
    for code in request.entries:
        entry = entries.get(code)
        if entry:
            triggered[code] = Triggered(code, entry.trigger, "requested", entry.review_window_days, entry.countersign)
        else:
            notes.append(MetricNote(code, "", "requested entry is not on the schedule in force"))
    results: dict[str, Evaluation] = {e.metric: e for e in request.evaluations}
    measured: set[str] = set()
    not_evaluated: list[str] = []
    for entry in entries.values():
        t = entry.threshold
        if t is None:
            continue
        measured.add(t.metric)
        if t.metric == END_USE_METRIC:
            result = None if request.end_use_category is None else Evaluation(t.metric, request.end_use_category)
            if result is None:
                continue
        else:
            result = results.get(t.metric)
        if result is None:
            if request.kind == "release":
                if entry.code in request.entries:
                    notes.append(MetricNote(entry.code, t.metric, "no evaluation result for this metric", False))
                else:
                    not_evaluated.append(entry.code)
            continue
        definition = metrics.definition(t)
        try:
            value, reported = metrics.read(definition, result.value, result.unit)
        except metrics.ValueProblem as e:
            notes.append(MetricNote(entry.code, t.metric, f"{e}: not compared, approval blocked"))
            continue
        reported = reported or result.reported
        crossed = compare(value, t.operator, t.value)
        if crossed is None:
            notes.append(
                MetricNote(
                    entry.code,
                    t.metric,
                    f"value {metrics.fmt(result.value)!r} can't be compared with {t.operator} {metrics.fmt(t.value)}:"
                    " approval blocked",
                )
            )
        elif crossed:
            reason = f"{t.metric} = {metrics.fmt(value)} {t.operator} {metrics.fmt(t.value)} {t.unit}"
            if reported:
                reason += f" (reported as {reported})"
            prev = triggered.get(entry.code)
            if prev is None or prev.reason == "requested":
                triggered[entry.code] = Triggered(
                    entry.code, entry.trigger, reason, entry.review_window_days, entry.countersign
                )
    for metric in results:
        if metric not in measured:
            notes.append(MetricNote("", metric, "no schedule entry measures this metric (misspelt?): approval blocked"))
    if request.kind == "release" and not request.evaluations:
        notes.append(MetricNote("", "", "a release request with no evaluation results: no threshold compared"))
    elif not_evaluated:
        notes.append(
            MetricNote(
                "",
                "",
                f"no result reported for the thresholds of {len(not_evaluated)} other"
                f" entries: {', '.join(sorted(not_evaluated))}",
                False,
            )
        )
    return sorted(triggered.values(), key=lambda t: t.code), notes


class _PhraseTable:
    """Every red-line phrase of one schedule (the core red lines' too) with its phrase key, built
    once per schedule object: a decision then tests each key against the texts' bounds with one
    substring test, and calls contains_phrase only for the few a bound cannot rule out."""

    def __init__(self, entries: dict[str, ScheduleEntry]) -> None:
        self.entries = entries  # held, so the identity check in _phrase_table can't see a reused id
        self.ids = _ids(entries)
        self.schedule = [(e.code, p, phrase_key(p)) for e in entries.values() for p in e.red_line_phrases]
        self.carried = core_red_lines.carriers(entries)
        self.core = {line.id: [(p, phrase_key(p)) for p in line.phrases] for line in core_red_lines.CORE_RED_LINES}


_table: _PhraseTable | None = None


def _ids(entries: dict[str, ScheduleEntry]) -> tuple[int, ...]:
    return tuple(map(id, entries.values()))


def _phrase_table(entries: dict[str, ScheduleEntry]) -> _PhraseTable:
    global _table
    table = _table
    if table is None or table.entries is not entries or table.ids != _ids(entries):
        table = _table = _PhraseTable(entries)
    return table


def _found(key: str, phrase: str, texts: tuple[tuple[str, ...], ...]) -> bool:
    return bool(key) and any(contains_phrase(words_, phrase) for words_ in texts)


def _candidates(pairs, bounds: tuple[str | None, ...]):
    # bounds: each text's token keys concatenated (matchform.bound); a phrase whose key is in none
    # of them is in none of the texts, which rules out nearly every phrase with one substring test.
    # NUL is in no key, so no key found in the joined bounds spans two texts.
    if None in bounds:
        return pairs
    joined = "\0".join(bounds)  # type: ignore[arg-type]
    return [p for p in pairs if p[-1] in joined]


def red_lines(request: Request, entries: dict[str, ScheduleEntry], triggered: list[Triggered]) -> list[RedLine]:
    """Prohibited entries touched; end uses that match a red line's phrases (the schedule's, and the
    core red lines' own, domain.core_red_lines); a declared category or an evaluation result that
    is a core red line — whatever the schedule in force says."""
    hits: dict[str, RedLine] = {}
    for t in triggered:
        if t.trigger == "prohibited":
            hits[t.code] = RedLine(t.code, f"prohibited entry {t.reason}")
    # Read as a person sees them (domain.matchform): invisible characters, look-alike letters,
    # spacing and hyphenation hide no phrase. Each text on its own, so no phrase spans two fields.
    texts = (words(request.end_use or ""), words(request.summary or ""))
    bounds = tuple(bound(t) for t in texts)
    table = _phrase_table(entries)
    for code, phrase, key in _candidates(table.schedule, bounds):
        if code not in hits and _found(key, phrase, texts):
            hits[code] = RedLine(code, f"declared end use matches the red line phrase {phrase!r}")
    carried = table.carried
    results = {e.metric: e.value for e in request.evaluations}
    for line in core_red_lines.CORE_RED_LINES:
        code = carried.get(line.id) or core_red_lines.pseudo_code(line)
        if code in hits:
            continue
        reason = None
        if request.end_use_category in line.categories:
            reason = f"declared end-use category {request.end_use_category} is the core red line {line.title}"
        for metric, value in line.evidence:
            if reason is None and metric in results and results[metric] is value:
                reason = f"{metric} = {str(value).lower()} is the core red line {line.title}"
        for phrase, key in _candidates(table.core[line.id], bounds):
            if reason is None and _found(key, phrase, texts):
                reason = f"declared end use matches the core red line phrase {phrase!r}"
        if reason is not None:
            hits[code] = RedLine(code, reason)
    return sorted(hits.values(), key=lambda r: r.code)


class Assessment(NamedTuple):
    """Everything the rules read from one request under one schedule: computed once per decision
    and shared by the decision's facts and the queue state it leaves behind."""

    triggered: list[Triggered]
    notes: list[MetricNote]
    red_lines: list[RedLine]
    text_issues: list[TextNote]


def assess(request: Request, entries: dict[str, ScheduleEntry]) -> Assessment:
    triggered, notes = classify(request, entries)
    return Assessment(triggered, notes, red_lines(request, entries, triggered), text_issues(request))
