"""Name normalisation for restricted-party screening (case, diacritics, punctuation, legal forms,
word order, Cyrillic and Greek script), shared by the importer, which precomputes keys, and the
matcher."""

from __future__ import annotations

import functools
import re

# Legal-form and filler tokens that say nothing about who a party is ("No." as in "Institute No. 11").
LEGAL_FORMS = frozenset(
    """
ltd limited llc llp lp inc incorporated corp corporation co company plc gmbh ag kg sa sas sarl srl spa
bv nv oy ab as asa aps sro ooo oao zao pao ao jsc pjsc ojsc cjsc pte pty kk kabushiki kaisha
bhd sdn tbk se the and of group holding holdings fze fzco fzc fzllc pvt no nr
""".split()
)

# Latin-script letters without a decomposition, and Cyrillic and Greek transliterated (close to
# BGN/PCGN, the romanisation most list entries' aliases use), so "Московский" meets "Moskovskiy".
_TRANSLIT = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "yi",
        "є": "ye",
        "ґ": "g",
        "ў": "u",
        "ј": "j",
        "љ": "lj",
        "њ": "nj",
        "ћ": "c",
        "ђ": "dj",
        "џ": "dz",
        "ѓ": "gj",
        "ќ": "kj",
        "ѕ": "dz",
        "α": "a",
        "β": "v",
        "γ": "g",
        "δ": "d",
        "ε": "e",
        "ζ": "z",
        "η": "i",
        "θ": "th",
        "ι": "i",
        "κ": "k",
        "λ": "l",
        "μ": "m",
        "ν": "n",
        "ξ": "x",
        "ο": "o",
        "π": "p",
        "ρ": "r",
        "σ": "s",
        "ς": "s",
        "τ": "t",
        "υ": "y",
        "φ": "f",
        "χ": "ch",
        "ψ": "ps",
        "ω": "o",
    }
)
_SPLIT = r"[\W_]+"  # any run of non-letters/digits, in any script
_JOIN = r"[.'’ʼ`]"  # dots and apostrophes join: "S.r.o." -> sro, "Xi'an" -> xian


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Compiled at the first name screened: `show` and `decide` only fold text.
    return re.compile(_SPLIT), re.compile(_JOIN)


def fold(text: str) -> str:
    """Lower-case ASCII-ish text: diacritics removed, other letters and scripts transliterated."""
    if text.isascii():
        return text.lower()
    # Transliterate before decomposing (й is и + breve, but "y"), and after (accented Greek).
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLIT))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_TRANSLIT)


def tokens(name: str) -> list[str]:
    split, join = _patterns()
    words = [w for w in split.split(join.sub("", fold(name))) if w]
    kept = [w for w in words if w not in LEGAL_FORMS]
    return kept or words


def normalise(name: str) -> str:
    """The comparison key: folded tokens without legal forms, sorted so word order doesn't matter."""
    return " ".join(sorted(tokens(name)))
