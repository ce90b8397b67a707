"""Precedent: the most similar earlier decided requests, and a warning when an essentially
identical case went the other way."""

from __future__ import annotations

from dataclasses import dataclass

from permittui.domain.screening_names import fold

FAVOURABLE = {"approve", "approve-with-conditions"}
UNFAVOURABLE = {"deny", "return"}
# "Essentially identical": the same entries and an end use that reads the same (token-set
# similarity), whoever the customer is.
IDENTICAL_TEXT = 0.85


@dataclass(frozen=True)
class PastCase:
    request_id: str
    customer_id: str
    entries: tuple[str, ...]
    end_use: str
    outcome: str
    decided_at: str


@dataclass(frozen=True)
class Precedent:
    request_id: str
    outcome: str
    similarity: float
    decided_at: str


def similarity(customer_id: str, entries: tuple[str, ...], end_use: str, case: PastCase) -> float:
    from rapidfuzz import fuzz

    text = fuzz.token_set_ratio(fold(end_use), fold(case.end_use)) / 100
    a, b = set(entries), set(case.entries)
    overlap = len(a & b) / len(a | b) if a | b else 0.0
    same_customer = 1.0 if customer_id == case.customer_id else 0.0
    return round(0.6 * text + 0.3 * overlap + 0.1 * same_customer, 3)


def precedents(customer_id: str, entries: tuple[str, ...], end_use: str, cases: list[PastCase],
               limit: int = 5) -> tuple[list[Precedent], str | None]:
    from rapidfuzz import fuzz

    scored = sorted((Precedent(c.request_id, c.outcome, similarity(customer_id, entries, end_use, c), c.decided_at)
                     for c in cases), key=lambda p: (-p.similarity, p.request_id))[:limit]
    by_id = {c.request_id: c for c in cases}
    near = [p for p in scored
            if set(by_id[p.request_id].entries) == set(entries)
            and fuzz.token_set_ratio(fold(end_use), fold(by_id[p.request_id].end_use)) / 100 >= IDENTICAL_TEXT]
    outcomes = {p.outcome in FAVOURABLE for p in near if p.outcome in FAVOURABLE | UNFAVOURABLE}
    warning = None
    if len(outcomes) == 2:
        ids = ", ".join(f"{p.request_id} ({p.outcome})" for p in near)
        warning = f"essentially identical cases were decided both ways: {ids}"
    return scored, warning
