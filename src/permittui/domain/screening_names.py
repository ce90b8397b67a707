"""Name normalisation for restricted-party screening (case, diacritics, punctuation, legal forms,
word order), shared by the importer, which precomputes keys, and the matcher."""

from __future__ import annotations

import re
import unicodedata

# Legal-form and filler tokens that say nothing about who a party is.
LEGAL_FORMS = frozenset("""
ltd limited llc llp lp inc incorporated corp corporation co company plc gmbh ag kg sa sas sarl srl spa
bv nv oy ab as asa aps sro ooo oao zao pao ao jsc pjsc ojsc cjsc pte pty kk kabushiki kaisha
bhd sdn tbk se the and of group holding holdings
""".split())

_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ı": "i"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII-ish text: diacritics removed, common letters transliterated."""
    text = text.casefold().translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(name: str) -> list[str]:
    # Dots join rather than split, so "s.r.o.", "Co." and "U.S." become "sro", "co", "us".
    words = [w for w in _NON_WORD.split(fold(name).replace(".", "")) if w]
    kept = [w for w in words if w not in LEGAL_FORMS]
    return kept or words


def normalise(name: str) -> str:
    """The comparison key: folded tokens without legal forms, sorted so word order doesn't matter."""
    return " ".join(sorted(tokens(name)))
