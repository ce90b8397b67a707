"""The request and all its findings, as Text (every database string cleaned, never markup)."""

from __future__ import annotations

from rich.text import Text

from permittui.store.findings import Findings
from permittui.text import clean

H = "bold"


def findings_text(f: Findings) -> Text:
    r = f.request
    out = Text(end="")

    def w(*parts: tuple[object, str] | str) -> None:
        for p in parts:
            if isinstance(p, tuple):
                out.append(clean(p[0]), style=p[1] or None)
            else:
                out.append(p)
        out.append("\n")

    w(
        (r.id, "bold"),
        "  ",
        (r.kind, ""),
        "  ",
        (f.status.replace("_", " "), "bold"),
        f"  v{f.version}  priority ",
        (r.priority, ""),
    )
    w(
        "customer  ",
        (f.customer.name, "bold"),
        " (",
        (f.customer.id, ""),
        ") ",
        (f.customer.country, ""),
        " ",
        (f.customer.sector, ""),
        " — ",
        (f.customer.vetting, "bold" if f.customer.vetting != "vetted" else ""),
    )
    w("entries   ", (", ".join(r.entries) or "—", ""))
    if r.model:
        w("model     ", (r.model, ""))
    for e in r.evaluations:
        w("  eval    ", (e.metric, ""), " = ", (e.value, ""), (" " + e.unit if e.unit else "", ""))
    w("end use   ", (r.end_use, ""))
    if r.summary:
        w("summary   ", (r.summary, ""))
    w(("clock     ", H), (f.clock.explain(), "bold red" if f.clock.days_left < 0 and not f.clock.stopped else ""))
    w()
    w(("Triggered entries", H))
    for t in f.triggered:
        entry = f.entries.get(t.code)
        th = entry.threshold if entry else None
        limit = f" (threshold {th.metric} {th.operator} {th.value} {th.unit})" if th else ""
        w(
            "  ",
            (t.code, "bold"),
            "  ",
            (t.trigger.replace("_", " "), "red" if t.trigger == "prohibited" else ""),
            "  ",
            (t.reason, ""),
            (limit, "dim"),
            ("  [countersign]" if t.countersign else "", "bold"),
        )
    if not f.triggered:
        w("  nothing on the schedule")
    for n in f.metric_notes:
        w("  note ", (n.code, ""), ": ", (n.metric, ""), ": ", (n.problem, ""))
    if f.red_lines:
        w(("RED LINES", "bold red reverse"))
        for rl in f.red_lines:
            w("  ", (rl.code, "bold red"), "  ", (rl.reason, ""))
    w(("Allow-list", H))
    for a in f.allow_list:
        state = a["grant_status"] or "no grant"
        cap = f"   cap {a['used']}/{a['cap']}" if a["cap"] is not None else ""
        full = a["cap"] is not None and a["used"] >= a["cap"] and not a["granted"]
        w(
            "  ",
            (a["code"], ""),
            "  ",
            (state, ""),
            (f" until {a['expires']}" if a["expires"] else "", ""),
            (cap, "bold red" if full else ""),
            ("  CAP REACHED" if full else "", "bold red"),
        )
    if not f.allow_list:
        w("  —")
    w(("Screening", H))
    for s in f.screening:
        w(
            f"  {s['score']:5.1f} ",
            (s["listed_name"], "bold"),
            " (",
            (s["list"], ""),
            ") — ",
            (s["disposition"], "bold red" if s["disposition"] in ("open", "confirmed", "escalated") else ""),
            (": " + s["reason"] if s["reason"] else "", ""),
        )
    if not f.screening:
        w("  no hits")
    w(("Precedents", H))
    for p in f.precedents:
        w(
            "  ",
            (p.request_id, ""),
            "  ",
            (p.outcome, ""),
            f"  similarity {p.similarity:.2f}  ",
            (p.decided_at[:10], "dim"),
        )
    if not f.precedents:
        w("  none")
    if f.precedent_warning:
        w(("WARNING ", "bold red"), (f.precedent_warning, ""))
    if f.decisions:
        w(("Decisions", H))
        for d in f.decisions:
            w(
                f"  #{d['id']} ",
                (d["decided_at"][:16].replace("T", " "), "dim"),
                " ",
                (d["officer"], "bold"),
                ": ",
                (d["outcome"], ""),
                " → ",
                (d["status_after"], ""),
                (" " + ",".join(d["reasons"]) if d["reasons"] else "", ""),
                (" — " + d["note"] if d["note"] else "", ""),
            )
    out.rstrip()
    return out
