"""Precedent: the most similar earlier decided requests, and a warning when an essentially
identical case went the other way."""

from __future__ import annotations

from collections.abc import Callable

from permittui.domain.models import Record
from permittui.domain.screening_names import fold

FAVOURABLE = {"approve", "approve-with-conditions"}
UNFAVOURABLE = {"deny"}  # a return without action is not a ruling on the merits
SIMILAR_END_USE = 0.6  # another customer's case counts only with an end use this similar
# Essentially identical: the same entries, and end uses alike both as sets of words (token-set
# ratio) and as text (plain ratio, so that a short vague end use isn't "identical" to every longer
# one that contains its words). Whoever the customer: consistency is across customers.
IDENTICAL_WORDS = 0.85
IDENTICAL_TEXT = 0.70

# The decision a request's status records, for comparing a decided request with its precedents.
STATUS_OUTCOME = {
    "approved": "approve",
    "approved_with_conditions": "approve-with-conditions",
    "denied": "deny",
    "returned": "return",
}


class PastCase(Record):
    request_id: str
    customer_id: str
    entries: tuple[str, ...]
    end_use: str
    outcome: str
    decided_at: str

    def __init__(
        self, request_id: str, customer_id: str, entries: tuple[str, ...], end_use: str, outcome: str, decided_at: str
    ) -> None:
        self._init(locals())


class Precedent(Record):
    request_id: str
    outcome: str
    similarity: float
    decided_at: str
    identical: bool

    def __init__(
        self, request_id: str, outcome: str, similarity: float, decided_at: str, identical: bool = False
    ) -> None:
        self._init(locals())


# Scores are rapidfuzz's token_set_ratio and ratio. Importing rapidfuzz costs some 12 ms (its C
# extensions and every metric it offers), more than `permittui show` spends on everything else
# when a request has few past cases. The same scores in Python (below, identical to rapidfuzz's and
# tested so) cost ~0.13 ms a case against rapidfuzz's ~0.02 (generated end uses, 1M requests):
# up to this many cases Python is the cheaper, beyond it rapidfuzz.
PURE_PYTHON_CASES = 80


def _scorers(cases: int) -> tuple[Callable[[str, str], float], Callable[[str, str], float]]:
    """(token_set_ratio, ratio) on folded text, 0-100."""
    if cases <= PURE_PYTHON_CASES:
        return token_set_ratio, ratio
    from rapidfuzz import fuzz

    return (lambda a, b: fuzz.token_set_ratio(a, b, processor=None)), (lambda a, b: fuzz.ratio(a, b, processor=None))


def _similarity(words: float, entries: set[str], case_entries: set[str], same_customer: bool) -> float:
    a, b = entries, case_entries
    overlap = len(a & b) / len(a | b) if a | b else 0.0
    return round(0.6 * (words / 100) + 0.3 * overlap + 0.1 * (1.0 if same_customer else 0.0), 3)


def _identical(words: float, text: Callable[[], float], entries: set[str], case_entries: set[str]) -> bool:
    return entries == case_entries and words >= IDENTICAL_WORDS * 100 and text() >= IDENTICAL_TEXT * 100


def similarity(customer_id: str, entries: tuple[str, ...], end_use: str, case: PastCase) -> float:
    words = token_set_ratio(fold(end_use), fold(case.end_use))
    return _similarity(words, set(entries), set(case.entries), customer_id == case.customer_id)


def identical(entries: tuple[str, ...], end_use: str, case: PastCase) -> bool:
    a, b = fold(end_use), fold(case.end_use)
    return _identical(token_set_ratio(a, b), lambda: ratio(a, b), set(entries), set(case.entries))


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


def precedents(
    customer_id: str,
    entries: tuple[str, ...],
    end_use: str,
    cases: list[PastCase],
    limit: int = 5,
    outcome: str | None = None,
) -> tuple[list[Precedent], str | None]:
    """The `limit` most similar relevant cases (the same customer, or the same entry with a similar
    end use), and a warning: against `outcome` when the request is decided (or a decision is
    proposed); else when essentially identical cases went both ways."""
    token_set_ratio, ratio = _scorers(len(cases))
    mine, wanted = fold(end_use), set(entries)
    found = []
    for c in cases:
        theirs, same = set(c.entries), c.customer_id == customer_id
        if not same and not wanted & theirs:
            continue
        text = fold(c.end_use)
        words = token_set_ratio(mine, text)  # once a case: relevance, similarity and identity share it
        if not same and words / 100 < SIMILAR_END_USE:
            continue
        found.append(
            Precedent(
                c.request_id,
                c.outcome,
                _similarity(words, wanted, theirs, same),
                c.decided_at,
                _identical(words, lambda text=text: ratio(mine, text), wanted, theirs),
            )
        )
    ranked = sorted(found, key=lambda p: (not p.identical, -p.similarity, p.request_id))
    if outcome is not None and _side(outcome) is not None:
        return ranked[:limit], contrary_warning(ranked, outcome)
    near = [p for p in ranked if p.identical and _side(p.outcome) is not None]
    warning = None
    if len({_side(p.outcome) for p in near}) == 2:
        ids = ", ".join(f"{p.request_id} ({p.outcome})" for p in near)
        warning = f"essentially identical cases were decided both ways: {ids}"
    return ranked[:limit], warning


# ── rapidfuzz's scores in Python ─────────────────────────────────────────────────────────────
#
# rapidfuzz's fuzz.ratio and fuzz.token_set_ratio (processor=None, no score_cutoff) in Python,
# for a handful of comparisons where importing rapidfuzz would cost more than the comparing.
#
# Same arithmetic as rapidfuzz 3 (fuzz_py.py and its C++): ratio is the Indel normalised similarity,
# (1 - distance / (len a + len b)) * 100; token_set_ratio compares the sorted differing words and the
# shared ones as rapidfuzz does. The Indel distance is len a + len b - 2 LCS, the LCS counted with
# the bit-parallel algorithm (Allison-Dix, Hyyrö): one pass over b, a few integer operations a
# character. tests/test_layers.py checks the results equal rapidfuzz's exactly.


def _lcs(a: str, b: str) -> int:
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    bit = 1
    for ch in a:
        masks[ch] = masks.get(ch, 0) | bit
        bit <<= 1
    full = bit - 1
    s = full
    get = masks.get
    for ch in b:
        m = get(ch)
        if m:
            u = s & m
            s = (s + u) | (s - u)
    return len(a) - (s & full).bit_count()


def indel_distance(a: str, b: str) -> int:
    return len(a) + len(b) - 2 * _lcs(a, b)


def ratio(a: str, b: str) -> float:
    lensum = len(a) + len(b)
    if not lensum:
        return 100.0
    return (1.0 - indel_distance(a, b) / lensum) * 100


def _norm(dist: int, lensum: int) -> float:
    return 100 - 100 * dist / lensum if lensum > 0 else 100


def token_set_ratio(a: str, b: str) -> float:
    tokens_a, tokens_b = set(a.split()), set(b.split())
    if not tokens_a or not tokens_b:
        return 0
    intersect = tokens_a & tokens_b
    diff_ab, diff_ba = tokens_a - tokens_b, tokens_b - tokens_a
    if intersect and (not diff_ab or not diff_ba):  # one is part of the other
        return 100
    ab, ba = " ".join(sorted(diff_ab)), " ".join(sorted(diff_ba))
    sect_len = len(" ".join(intersect))
    sect_ab_len = sect_len + (sect_len != 0) + len(ab)
    sect_ba_len = sect_len + (sect_len != 0) + len(ba)
    result = _norm(indel_distance(ab, ba), sect_ab_len + sect_ba_len)
    if not sect_len:
        return result
    # sect+ab against sect (and sect+ba against sect) differ only by the extra words
    sect_ab = _norm((sect_len != 0) + len(ab), sect_len + sect_ab_len)
    sect_ba = _norm((sect_len != 0) + len(ba), sect_len + sect_ba_len)
    return max(result, sect_ab, sect_ba)
