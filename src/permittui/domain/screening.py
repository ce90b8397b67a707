"""Matching a party's names against the restricted-party list, fuzzy-scored, country-corroborated.

The list's names are normalised once at import (screening_names.norm); a screen normalises only
the party's own names and lets rapidfuzz scan the precomputed keys in C.
"""

from __future__ import annotations

from dataclasses import dataclass

from permittui.domain.screening_names import normalise

HIT_SCORE = 88.0          # at or above: a hit the officer must disposition
COUNTRY_BONUS = 4.0       # listed country is the party's: corroboration
COUNTRY_PENALTY = 6.0     # listed countries exclude the party's


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


class Screener:
    """An in-memory index of every listed name's normalised key."""

    def __init__(self, names: list[ListedName]) -> None:
        self.names = names
        self.keys = [n.norm for n in names]

    def screen(self, party_names: list[str], country: str = "", limit: int = 10) -> list[Match]:
        from rapidfuzz import fuzz, process

        best: dict[str, Match] = {}
        for party in party_names:
            key = normalise(party)
            if not key:
                continue
            # token_set_ratio forgives extra words (a subsidiary's longer name); WRatio-like
            # guard below stops one shared short token from scoring 100.
            for _, raw_score, idx in process.extract(key, self.keys, scorer=fuzz.token_set_ratio,
                                                     score_cutoff=HIT_SCORE - COUNTRY_BONUS, limit=50):
                listed = self.names[idx]
                score = min(raw_score, fuzz.ratio(key, listed.norm) + 25)
                note = ""
                if country and listed.countries:
                    if country in listed.countries:
                        score, note = min(100.0, score + COUNTRY_BONUS), f"country {country} corroborates"
                    else:
                        score, note = score - COUNTRY_PENALTY, f"listed in {', '.join(listed.countries)}, not {country}"
                if score < HIT_SCORE:
                    continue
                prev = best.get(listed.entry_id)
                if prev is None or score > prev.score:
                    best[listed.entry_id] = Match(listed.entry_id, party, listed.name, listed.source,
                                                  round(score, 1), note)
        return sorted(best.values(), key=lambda m: -m.score)[:limit]
