"""rapidfuzz's fuzz.ratio and fuzz.token_set_ratio (processor=None, no score_cutoff) in Python,
for a handful of comparisons where importing rapidfuzz would cost more than the comparing.

Same arithmetic as rapidfuzz 3 (fuzz_py.py and its C++): ratio is the Indel normalised similarity,
(1 - distance / (len a + len b)) * 100; token_set_ratio compares the sorted differing words and the
shared ones as rapidfuzz does. The Indel distance is len a + len b - 2 LCS, the LCS counted with
the bit-parallel algorithm (Allison-Dix, Hyyrö): one pass over b, a few integer operations a
character. tests/test_layers.py checks the results equal rapidfuzz's exactly.
"""

from __future__ import annotations


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
    if intersect and (not diff_ab or not diff_ba):     # one is part of the other
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
