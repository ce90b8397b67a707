"""Matching a party's names against the restricted-party list, fuzzy-scored, country-corroborated.

The list's names are normalised once at import (screening_names.normalise: case, diacritics,
punctuation, legal forms, word order, Cyrillic/Greek script). A screen normalises only the party's
own names, then:

1. blocking: the listed keys that share a token with the party's key, where a token also meets
   its one-edit neighbours (a typo, a transliteration variant "iy"/"y", "kh"/"h") and its two
   halves ("Hangtian" / "Hang Tian"), through an inverted index and a one-deletion index built
   when the Screener is loaded;
2. scoring, in rapidfuzz's C code, over those candidates only: the whole-key ratio, then the
   token-set ratio, and the country as corroboration.

A listed name that shares no token, no near token and no half with the party's name scores a hit
only if its characters line up almost everywhere all the same (the token-set ratio of keys with
nothing in common is their plain ratio), e.g. two typos in every word: that rare case is the recall
the blocking trades for screening one name against 30,000 entries in about a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from permittui.domain.screening_names import normalise

HIT_SCORE = 88.0  # at or above: a hit the officer must disposition
COUNTRY_BONUS = 4.0  # listed country is the party's: corroboration
COUNTRY_PENALTY = 6.0  # listed countries exclude the party's
RATIO_SLACK = 25.0  # the token-set score may exceed the whole-key ratio by this much, no more
MIN_FUZZY_TOKEN = 4  # shorter tokens must match exactly ("ao", "no", "1")
# Bounds that keep a screen's cost flat whatever a name's length: a token's one-edit neighbours
# and halves cost the square of its length, word pairs the square of the word count. Real
# names' words are far shorter and fewer; a longer token still meets its exact equal, and
# rapidfuzz still scores every candidate found.
MAX_FUZZY_TOKEN = 32
MAX_PAIRED_TOKENS = 12
# The one-deletion index holds one entry per character of each distinct listed word (4 to 32
# characters), ~200 bytes each: a list whose words would need more than this is refused at
# import (index_entries), not indexed into gigabytes. A real list needs a few hundred thousand.
MAX_INDEX_ENTRIES = 1_500_000


@dataclass(frozen=True)
class ListedName:
    entry_id: str
    name: str
    norm: str
    countries: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Match:
    entry_id: str
    party_name: str
    listed_name: str
    source: str
    score: float
    country_note: str


def index_entries(keys: Iterable[str]) -> int:
    """How many entries the Screener's one-deletion index would hold for these listed keys."""
    words = {t for key in keys for t in key.split()}
    return sum(len(t) for t in words if MIN_FUZZY_TOKEN <= len(t) <= MAX_FUZZY_TOKEN)


def _deletions(token: str) -> Iterable[str]:
    return (token[:i] + token[i + 1 :] for i in range(len(token)))


class Screener:
    """An in-memory index of every listed name's normalised key."""

    def __init__(self, names: list[ListedName]) -> None:
        self._names = names
        self._rows = [(n.entry_id, n.name, n.countries, n.source) for n in names]
        self._build([n.norm for n in names])

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, tuple[str, ...], str]]) -> Screener:
        """(entry_id, name, norm, countries, source) rows, without a ListedName per row (fast load)."""
        self = cls.__new__(cls)
        self._names = None
        self._rows, keys = [], []
        for entry_id, name, norm, countries, source in rows:
            self._rows.append((entry_id, name, countries, source))
            keys.append(norm)
        self._build(keys)
        return self

    @property
    def names(self) -> list[ListedName]:
        if self._names is None:
            self._names = [ListedName(e, n, k, c, s) for (e, n, c, s), k in zip(self._rows, self.keys, strict=False)]
        return self._names

    def __len__(self) -> int:
        return len(self._rows)

    def _build(self, keys: list[str]) -> None:
        self.keys = keys
        ids: dict[str, int] = {}
        owners: list[list[int]] = []  # distinct key -> the rows that have it
        for i, key in enumerate(keys):
            u = ids.setdefault(key, len(owners))
            if u == len(owners):
                owners.append([i])
            else:
                owners[u].append(i)
        self._ukeys = list(ids)  # distinct keys, in the order of `owners`
        self._owners = owners
        postings: dict[str, list[int]] = {}  # token -> distinct keys containing it (keys are sorted)
        get = postings.get
        for key, u in ids.items():
            for tok in key.split():
                bucket = get(tok)
                if bucket is None:
                    postings[tok] = [u]
                elif bucket[-1] != u:
                    bucket.append(u)
        self._postings = postings
        near: dict[str, list[str]] = {}  # a token minus one character -> the listed tokens
        for tok in postings:
            if MIN_FUZZY_TOKEN <= len(tok) <= MAX_FUZZY_TOKEN:
                for d in _deletions(tok):
                    near.setdefault(d, []).append(tok)
        self._near = near

    def _tokens_near(self, tok: str) -> set[str]:
        """Listed tokens equal to this one, one edit from it, or its halves when both are listed."""
        postings, near = self._postings, self._near
        found = {tok} if tok in postings else set()
        if len(tok) > MAX_FUZZY_TOKEN:
            return found
        if len(tok) >= MIN_FUZZY_TOKEN:
            found.update(near.get(tok, ()))  # a listed token with one more character
            for d in _deletions(tok):
                if d in postings:  # ... with one fewer
                    found.add(d)
                found.update(near.get(d, ()))  # ... with one character changed or swapped
        for i in range(2, len(tok) - 1):  # "hangtian" -> "hang" + "tian"
            a, b = tok[:i], tok[i:]
            if a in postings and b in postings:
                found.update((a, b))
        return found

    def _candidates(self, key: str) -> list[int]:
        toks = list(dict.fromkeys(key.split()))
        matched: set[str] = set()
        for tok in toks:
            matched |= self._tokens_near(tok)
        paired = toks[:MAX_PAIRED_TOKENS]
        for i, a in enumerate(paired):  # "hang tian" -> "hangtian"
            for j, b in enumerate(paired):
                if i != j and a + b in self._postings:
                    matched.add(a + b)
        out: set[int] = set()
        for tok in matched:
            out.update(self._postings[tok])
        return sorted(out)

    def screen(self, party_names: list[str], country: str = "", limit: int = 10) -> list[Match]:
        from rapidfuzz import fuzz, process

        floor = HIT_SCORE - COUNTRY_BONUS  # the best a country can lift a score
        best: dict[str, Match] = {}
        for party in party_names:
            key = normalise(party)
            if not key:
                continue
            cands = self._candidates(key)
            if not cands:
                continue
            ckeys = [self._ukeys[u] for u in cands]
            # token_set_ratio forgives extra words (a subsidiary's longer name); the whole-key
            # ratio caps it (RATIO_SLACK) so that one shared short token can't score 100.
            for _, ratio, j in process.extract(
                key, ckeys, scorer=fuzz.ratio, processor=None, score_cutoff=floor - RATIO_SLACK, limit=None
            ):
                listed_key = ckeys[j]
                raw = fuzz.token_set_ratio(key, listed_key, processor=None, score_cutoff=floor)
                if not raw:
                    continue
                base = min(raw, ratio + RATIO_SLACK)
                for i in self._owners[cands[j]]:
                    entry_id, name, countries, source = self._rows[i]
                    score, note = base, ""
                    if country and countries:
                        if country in countries:
                            score, note = min(100.0, score + COUNTRY_BONUS), f"country {country} corroborates"
                        else:
                            score, note = score - COUNTRY_PENALTY, f"listed in {', '.join(countries)}, not {country}"
                    if score < HIT_SCORE:
                        continue
                    prev = best.get(entry_id)
                    if prev is None or score > prev.score:
                        best[entry_id] = Match(entry_id, party, name, source, round(score, 1), note)
        return sorted(best.values(), key=lambda m: (-m.score, m.entry_id))[:limit]
