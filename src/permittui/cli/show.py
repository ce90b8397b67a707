"""`permittui show`: a request and its findings, for a person or as JSON."""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from permittui.cli.output import continued
from permittui.store.db import Store
from permittui.store.findings import findings_for
from permittui.text import UNSAFE_CLASS, has_unsafe


def request_dict(f) -> dict[str, Any]:
    r = f.request
    return {
        "id": r.id,
        "kind": r.kind,
        "customer": r.customer_id,
        "customer_name": f.customer.name,
        "entries": list(r.entries),
        "end_use": r.end_use,
        "model": r.model,
        "end_use_category": r.end_use_category,
        "evaluations": [
            {"metric": e.metric, "value": e.value, "unit": e.unit, **({"reported": e.reported} if e.reported else {})}
            for e in r.evaluations
        ],
        "summary": r.summary,
        "submitted": r.submitted,
        "registered": r.registered_on,
        "status": f.status,
        "assignee": r.assignee,
        "priority": r.priority,
        "version": f.version,
    }


_UNSAFE_IN_JSON = UNSAFE_CLASS  # the display sanitiser's class; emoji selectors are escaped too, harmlessly


def safe_json(data: Any) -> str:
    """JSON that is safe to print to a terminal and still round-trips exactly: json escapes C0
    controls (ESC is "\\u001b"); C1 controls (8-bit CSI), bidi overrides, invisible characters, line
    separators and lone surrogates, which it would pass raw, are escaped as well. Such characters
    occur only inside strings."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if not has_unsafe(text):  # the usual JSON needs no pattern compiled
        return text
    # json's own ASCII escape: a surrogate pair for a character beyond U+FFFF (tags, VS17-256)
    return re.sub(_UNSAFE_IN_JSON, lambda m: json.dumps(m.group())[1:-1], text)


def show(store: Store, request_id: str, *, as_json: bool, out: TextIO) -> None:
    f = findings_for(store, request_id)
    if as_json:
        out.write(safe_json({"request": request_dict(f), "findings": f.as_dict(), "decisions": f.decisions}) + "\n")
        return
    r = f.request
    # Through the CLI's choke point: an applicant's newline continues under its label, it cannot
    # start a line of its own.
    w = lambda text="": out.write(continued(text, 11) + "\n")  # noqa: E731
    w(f"{r.id}  {r.kind}  {f.status.replace('_', ' ')}  (version {f.version}, priority {r.priority})")
    w(
        f"customer   {f.customer.name} [{f.customer.id}] {f.customer.country} {f.customer.sector}"
        f" — {f.customer.vetting.upper() if f.customer.vetting == 'suspended' else f.customer.vetting}"
    )
    flags = f.flags()
    if flags:
        w(f"flags      {', '.join(flags)}")
    w(f"entries    {', '.join(r.entries) or '—'}")
    if r.model:
        w(f"model      {r.model}")
    for e in r.evaluations:
        reported = f" (reported as {e.reported})" if e.reported else ""
        w(f"  eval     {e.metric} = {e.value}{' ' + e.unit if e.unit else ''}{reported}")
    w(f"end use    {r.end_use}")
    if r.end_use_category or r.kind == "access":
        w(f"category   {r.end_use_category or 'none declared'}")
    if r.summary:
        w(f"summary    {r.summary}")
    w()
    w("triggered")
    for t in f.triggered:
        w(f"  {t.code:10} {t.trigger:20} {t.reason}{'  [countersign]' if t.countersign else ''}")
    if not f.triggered:
        w("  nothing on the schedule")
    for n in f.metric_notes:
        w(f"  note     {': '.join(x for x in (n.code, n.metric, n.problem) if x)}")
    if f.red_lines:
        w("RED LINES")
        for rl in f.red_lines:
            w(f"  {rl.code:10} {rl.reason}")
    if f.text_notes:
        w("TEXT NOT PLAIN (one officer may not approve)")
        for n in f.text_notes:
            w(f"  {n.message}")
    result, why = f.approval
    if result == "refused":
        w(f"approve    refused: {why[0]}")
    elif result == "countersign":
        w(f"approve    waits for a second officer: {'; '.join(why)}")
    w("allow-list")
    for a in f.allow_list:
        cap = f"  cap {a['used']}/{a['cap']}" if a["cap"] is not None else ""
        cap += "  CAP REACHED: approving is an override needing a countersign" if a["cap_reached"] else ""
        state = a["grant_status"] or "no grant"
        w(f"  {a['code']:10} {state}{' until ' + a['expires'] if a['expires'] else ''}{cap}")
    w("screening")
    for s in f.screening:
        by = f" by {s['officer']} {s['at'][:16].replace('T', ' ')}" if s["officer"] and s["at"] else ""
        w(
            f"  #{s['hit']} {s['score']:5.1f} {s['party']} ~ {s['listed_name']} ({s['list']}) — {s['disposition']}"
            f"{by}{': ' + s['reason'] if s['reason'] else ''}"
        )
    if not f.screening:
        w("  no hits")
    w(f"clock      {f.clock.explain()}")
    if f.precedents:
        w("precedents")
        for p in f.precedents:
            w(
                f"  {p.request_id}  {p.outcome:24} similarity {p.similarity:.2f}  {p.decided_at[:10]}"
                f"{'  essentially identical' if p.identical else ''}"
            )
    if f.precedent_warning:
        w(f"WARNING    {f.precedent_warning}")
    if f.decisions:
        w("decisions")
        for d in f.decisions:
            w(
                f"  #{d['id']} {d['decided_at'][:16]} {d['officer']}: {d['outcome']} -> {d['status_after']}"
                f"{' ' + ','.join(d['reasons']) if d['reasons'] else ''}{' — ' + d['note'] if d['note'] else ''}"
            )
