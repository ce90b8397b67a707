"""The red lines the product itself holds, whatever a schedule file says.

Autonomous weapons targeting, mass domestic surveillance and autonomous bio-threat synthesis
are prohibited by permittui, not only by the sample schedule: their end-use categories, their
evidence metric and their phrases are written here, in the code, and checked on every request
beside the schedule's own entries. A schedule that drops one of them, or downgrades the entry
carrying it, is refused at import (`schedule_problems`), so neither a file nor an edited table
can make one of these approvable.
"""

from __future__ import annotations

from permittui.domain.models import Record, ScheduleEntry


class CoreRedLine(Record):
    id: str
    title: str
    categories: tuple[str, ...]  # declared end-use categories that are this red line
    phrases: tuple[str, ...]  # end-use phrases every schedule entry carrying it must keep
    evidence: tuple[tuple[str, object], ...]  # (metric, value) results that are this red line

    def __init__(
        self,
        id: str,
        title: str,
        categories: tuple[str, ...],
        phrases: tuple[str, ...],
        evidence: tuple[tuple[str, object], ...] = (),
    ) -> None:
        self._init(locals())


CORE_RED_LINES: tuple[CoreRedLine, ...] = (
    CoreRedLine(
        "autonomous_weapons_targeting",
        "lethal autonomous weapons targeting",
        ("autonomous_target_selection_and_engagement", "autonomous_lethal_force_direction"),
        (
            "lethal autonomous",
            "autonomous target engagement",
            "select and engage targets",
            "autonomous lethal force",
            "without meaningful human control",
            "kill chain automation",
        ),
    ),
    CoreRedLine(
        "mass_domestic_surveillance",
        "mass domestic surveillance",
        ("bulk_domestic_population_surveillance", "social_scoring"),
        (
            "mass surveillance",
            "mass domestic surveillance",
            "population-scale monitoring",
            "social scoring",
            "citizen scoring",
            "bulk collection of citizens",
            "monitor the entire population",
        ),
    ),
    CoreRedLine(
        "autonomous_biothreat_synthesis",
        "autonomous bio-threat synthesis",
        ("autonomous_pathogen_synthesis",),
        (
            "autonomous pathogen synthesis",
            "pathogen synthesis without human",
            "closed-loop pathogen design",
            "threat-agent synthesis",
        ),
        (("autonomous_synthesis_cycle_completed_on_proxy", True),),
    ),
)

BY_ID = {line.id: line for line in CORE_RED_LINES}
CATEGORY_LINE = {c: line for line in CORE_RED_LINES for c in line.categories}


def pseudo_code(line: CoreRedLine) -> str:
    """What a hit is reported under when no entry of the schedule carries the line."""
    return f"CORE:{line.id}"


def carriers(entries: dict[str, ScheduleEntry]) -> dict[str, str]:
    """Core red line id -> the code of the (first) prohibited entry carrying it."""
    out: dict[str, str] = {}
    for code in sorted(entries):
        e = entries[code]
        if e.red_line in BY_ID and e.trigger == "prohibited":
            out.setdefault(e.red_line, code)
    return out


def schedule_problems(entries: list[ScheduleEntry], phrase_key=None) -> list[tuple[str | None, str]]:
    """Why a schedule may not take effect: (entry code or None, message) for each core red line it
    drops, downgrades or weakens. `phrase_key` maps a phrase to its match form (phrases are compared
    as the rules read them, so a respelt phrase is still the phrase)."""
    key = phrase_key or (lambda p: " ".join(p.casefold().replace("-", " ").split()))
    problems: list[tuple[str | None, str]] = []
    for e in entries:
        if e.red_line is not None and e.red_line not in BY_ID:
            problems.append((e.code, f"red_line {e.red_line!r} is not a core red line ({', '.join(BY_ID)})"))
    for line in CORE_RED_LINES:
        carrying = [e for e in entries if e.red_line == line.id]
        if not carrying:
            problems.append(
                (None, f"no entry carries the core red line {line.title!r} (mark its entry red_line: {line.id})")
            )
            continue
        for e in carrying:
            if e.trigger != "prohibited":
                problems.append(
                    (
                        e.code,
                        f"carries the core red line {line.title!r}: its trigger must stay prohibited, not {e.trigger}",
                    )
                )
            kept = {key(p) for p in e.red_line_phrases}
            missing = [p for p in line.phrases if key(p) not in kept]
            if missing:
                problems.append(
                    (
                        e.code,
                        f"carries the core red line {line.title!r}: red_line_phrases must keep {', '.join(missing)}",
                    )
                )
    return problems
