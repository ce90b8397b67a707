"""Precedent: the most similar earlier decided requests, and a warning when an essentially
identical case went the other way."""

from __future__ import annotations

from dataclasses import dataclass

from permittui.domain.screening_names import fold

FAVOURABLE = {"approve", "approve-with-conditions"}
UNFAVOURABLE = {"deny"}          # a return without action is not a ruling on the merits
SIMILAR_END_USE = 0.6            # another customer's case counts only with an end use this similar
# Essentially identical: the same entries, and end uses alike both as sets of words (token-set
# ratio) and as text (plain ratio, so that a short vague end use isn't "identical" to every longer
# one that contains its words). Whoever the customer: consistency is across customers.
IDENTICAL_WORDS = 0.85
IDENTICAL_TEXT = 0.70

# The decision a request's status records, for comparing a decided request with its precedents.
STATUS_OUTCOME = {"approved": "approve", "approved_with_conditions": "approve-with-conditions", "denied": "deny",
                  "returned": "return"}


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
    identical: bool = False


def _text_similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(fold(a), fold(b), processor=None) / 100


def similarity(customer_id: str, entries: tuple[str, ...], end_use: str, case: PastCase) -> float:
    text = _text_similarity(end_use, case.end_use)
    a, b = set(entries), set(case.entries)
    overlap = len(a & b) / len(a | b) if a | b else 0.0
    same_customer = 1.0 if customer_id == case.customer_id else 0.0
    return round(0.6 * text + 0.3 * overlap + 0.1 * same_customer, 3)


def identical(entries: tuple[str, ...], end_use: str, case: PastCase) -> bool:
    from rapidfuzz import fuzz

    if set(entries) != set(case.entries):
        return False
    a, b = fold(end_use), fold(case.end_use)
    return (fuzz.token_set_ratio(a, b, processor=None) >= IDENTICAL_WORDS * 100
            and fuzz.ratio(a, b, processor=None) >= IDENTICAL_TEXT * 100)


def _relevant(customer_id: str, entries: tuple[str, ...], end_use: str, case: PastCase) -> bool:
    """The same customer, or the same entry with a similar end use."""
    if case.customer_id == customer_id:
        return True
    return bool(set(entries) & set(case.entries)) and _text_similarity(end_use, case.end_use) >= SIMILAR_END_USE


def _side(outcome: str) -> bool | None:
    return True if outcome in FAVOURABLE else False if outcome in UNFAVOURABLE else None


def contrary_warning(precedents: list[Precedent], outcome: str) -> str | None:
    """A warning when an essentially identical case was decided the other way from `outcome` (the
    request's own decision, or one the officer is about to record)."""
    side = _side(outcome)
    if side is None:
        return None
    other = [p for p in precedents if p.identical and _side(p.outcome) is (not side)]
    if not other:
        return None
    ids = ", ".join(f"{p.request_id} ({p.outcome}, similarity {p.similarity:.2f})" for p in other)
    return f"an essentially identical case was decided the other way: {ids}"


def precedents(customer_id: str, entries: tuple[str, ...], end_use: str, cases: list[PastCase],
               limit: int = 5, outcome: str | None = None) -> tuple[list[Precedent], str | None]:
    """The `limit` most similar relevant cases, and a warning: against `outcome` when the request is
    decided (or a decision is proposed); else when essentially identical cases went both ways."""
    ranked = sorted((Precedent(c.request_id, c.outcome, similarity(customer_id, entries, end_use, c), c.decided_at,
                               identical(entries, end_use, c))
                     for c in cases if _relevant(customer_id, entries, end_use, c)),
                    key=lambda p: (not p.identical, -p.similarity, p.request_id))
    if outcome is not None and _side(outcome) is not None:
        return ranked[:limit], contrary_warning(ranked, outcome)
    near = [p for p in ranked if p.identical and _side(p.outcome) is not None]
    warning = None
    if len({_side(p.outcome) for p in near}) == 2:
        ids = ", ".join(f"{p.request_id} ({p.outcome})" for p in near)
        warning = f"essentially identical cases were decided both ways: {ids}"
    return ranked[:limit], warning
