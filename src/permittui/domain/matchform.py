"""The one match form: how every text a rule or an identity check compares is read.

match_form() reads text as a person sees it: compatibility forms (fullwidth, mathematical,
circled, superscript letters, ligatures) as their letters (NFKC), without case, without what
renders as nothing (every Default_Ignorable_Code_Point and invisible format character), with each
letter that looks like a Latin letter read as that letter (the confusables of Unicode TS #39 with
the Latin letters as prototypes, and small capitals by their Unicode names), and without diacritics
on Latin letters ("Surveillánce" is "surveillance"). words() and contains_phrase() match phrases
across spacing and hyphenation; canonical_id() is the form of an identity; inspect() says why a
text can't be read plainly, for an officer to see.

Pure ASCII text takes a fast path; the Unicode tables load at the first other text (unicode_data).
"""

from __future__ import annotations

import functools
import re

from permittui.domain.models import Record

# ASCII's only foldings beyond case: TS #39 reads 0 as o and 1 as l; controls that aren't white
# space render as nothing. tests/test_matchform.py checks these against the table, char by char.
_ASCII_DROPPED = [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F]
_ASCII_FOLD = {ord("0"): "o", ord("1"): "l"} | dict.fromkeys(_ASCII_DROPPED)
_ASCII_SYMBOL_READING = {"|": "l"}  # '|' reads as l (TS #39); a separator too, so both are tried
_ASCII_TOKEN = r"[a-z0-9]+|\|"  # patterns compile at first use: importing this module costs well under 1 ms


def match_form(text: str) -> str:
    """The form every rule and identity check compares: see the module's docstring. Idempotent."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD)
    from permittui.domain.unicode_data import tables

    return tables().match_form(text)


@functools.cache
def _token_pattern():
    from permittui.domain.unicode_data import _regex, tables

    symbols = "".join(sorted(tables().symbol_reading))
    return _regex().compile(r"[\p{L}\p{N}\p{M}]+|[" + _regex().escape(symbols) + "]")


def words(text: str) -> tuple[str, ...]:
    """The match form's tokens: runs of letters, digits and marks in any script; everything else
    separates, except that a symbol that reads as a letter ('|', '∪', '×') is a token of its own,
    kept as the symbol, which contains_phrase() reads both as its letter and as a separator."""
    form = match_form(text)
    if form.isascii():
        return tuple(re.findall(_ASCII_TOKEN, form))
    return tuple(_token_pattern().findall(form))


def _symbol_reading(token: str) -> str | None:
    if len(token) != 1 or token.isalnum():
        return None
    if token in _ASCII_SYMBOL_READING:
        return _ASCII_SYMBOL_READING[token]
    if token.isascii():
        return None
    from permittui.domain.unicode_data import tables

    return tables().symbol_reading.get(token)


def _key(token: str) -> str:
    # The pairs Latin itself confuses, which the match form keeps apart (its Latin letters are their
    # own prototypes): 'rn' and 'm', 'I' and 'l' (I is i once case is folded).
    return token.replace("rn", "m").replace("i", "l")


@functools.lru_cache(maxsize=1024)
def _phrase_key(phrase: str) -> str:
    return "".join(_key(w) for w in words(phrase) if _symbol_reading(w) is None)


@functools.lru_cache(maxsize=64)
def bound(text_words: tuple[str, ...]) -> str | None:
    """The tokens' keys concatenated, a text's tokens being checked against every red-line phrase
    in turn; None when a symbol token (read as a letter or as nothing) makes it no bound."""
    if any(_symbol_reading(w) is not None for w in text_words):
        return None
    return "".join(_key(w) for w in text_words)


def phrase_key(phrase: str) -> str:
    """What a phrase is to contains_phrase(): two phrases with one key match the same texts."""
    return _phrase_key(phrase)


def contains_phrase(text_words: tuple[str, ...], phrase: str) -> bool:
    """Whether the tokens contain the phrase: the phrase's tokens, concatenated, equal a run of
    consecutive text tokens, concatenated (so "lethal-autonomous", "le-thal autonomous" and
    "lethalautonomous" all hold "lethal autonomous"; "biomass surveillance" does not hold "mass
    surveillance", the run having to start and end on token boundaries). A symbol token that reads
    as a letter counts either as that letter or as nothing."""
    target = _phrase_key(phrase)
    if not target:
        return False
    joined = bound(text_words)
    if joined is not None and target not in joined:
        return False  # every run of tokens is a substring of them all: most phrases end here
    n = len(text_words)
    for i in range(n):
        first = text_words[i]
        if not (target.startswith(_key(first)) or _symbol_reading(first) is not None):
            continue
        states = {""}
        for token in text_words[i:n]:
            reading = _symbol_reading(token)
            options = (_key(token),) if reading is None else (_key(reading), "")
            states = {s + o for s in states for o in options if target.startswith(s + o)}
            if target in states:
                return True
            if not states:
                break
    return False


def canonical_id(name: str) -> str:
    """The canonical form of an officer's or other identity's name: its match form, symbols that
    read as letters read so, white space collapsed. Names that look alike have one id."""
    form = match_form(name)
    if "|" in form:
        form = form.replace("|", "l")
    if not form.isascii():
        from permittui.domain.unicode_data import tables

        form = "".join(tables().symbol_reading.get(ch, ch) for ch in form)
    return " ".join(form.split())


class TextIssue(Record):
    """Why a text can't be read plainly: kind is 'invisible', 'mixed_script', 'confusable' or
    'compatibility'; word is the word it is in, made visible; offset where that word starts in the
    text; chars the characters involved ("U+0430 CYRILLIC SMALL LETTER A"); reads_as the word's
    match form ('' for an invisible character); message one line for an officer."""

    kind: str
    word: str
    offset: int
    chars: tuple[str, ...]
    reads_as: str
    message: str

    def __init__(self, kind: str, word: str, offset: int, chars: tuple[str, ...], reads_as: str, message: str) -> None:
        self._init(locals())


_ASCII_SUSPECT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f|]|[a-zA-Z][01]|[01][a-zA-Z]"


def inspect(text: str) -> list[TextIssue]:
    """What in the text a person would not read as the match form reads it: invisible characters
    in or next to a word, words mixing scripts, look-alike letters, styled compatibility letters.
    Plain text in any script gives []."""
    if text.isascii() and (text.isalpha() or not re.search(_ASCII_SUSPECT, text)):
        return []
    from permittui.domain.text_issues import issues

    return issues(text)
