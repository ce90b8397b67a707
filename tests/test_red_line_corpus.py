"""The obfuscated red-line corpus (tests/test_matchform.py) through the whole path an applicant's
text takes: imported in a requests file, classified, and decided — by the store and by the CLI.

Every obfuscation of a red-line phrase is either refused at import (a character no file may hold)
or, once imported, refused approval by any officer: the red line holds whatever the letters. The
legitimate texts around them still import and approve as a plain request does."""

from __future__ import annotations

import re

import pytest
import yaml
from support import q
from test_matchform import LEGITIMATE, OBFUSCATED, PHRASES, SPACING_ONLY

from permittui.errors import BadInput, PermitError, Refused
from permittui.store import decisions, imports

CUSTOMER = "C-ACME"
ENTRY = "AI.C.2.a"  # a licence entry: only the text makes the request touch a red line


def _request(rid: str, end_use: str, summary: str = "") -> dict:
    return {
        "id": rid,
        "kind": "access",
        "customer": CUSTOMER,
        "entries": [ENTRY],
        "end_use": end_use,
        "summary": summary,
        "end_use_category": "authorised_penetration_testing",
        "submitted": "2026-11-10",
    }


def _import_each(store, tmp_path, texts: list[str], field: str = "end_use") -> dict[str, str]:
    """Import one request per text (a file each: one refused text must not take the others with it);
    returns {request id: text} for those imported, and checks the refusals are one clear line."""
    imported = {}
    for n, text in enumerate(texts):
        rid = f"T-{field[0]}{n}"
        body = _request(rid, text if field == "end_use" else "Network defence.", text if field == "summary" else "")
        path = tmp_path / f"{rid}.yaml"
        path.write_text(yaml.safe_dump({"requests": [body]}, allow_unicode=True), encoding="utf-8")
        try:
            imports.import_requests(store, path)
        except BadInput as e:
            message = str(e)
            assert "\n" not in message and message.isprintable(), repr(message)
            assert not q(store.path, "SELECT 1 FROM requests WHERE id = ?", (rid,))
            continue
        imported[rid] = text
    return imported


def _approve(store, rid: str) -> str:
    try:
        decisions.decide(store, rid, "approve")
    except PermitError as e:
        return f"refused: {e}"
    return q(store.path, "SELECT status FROM requests WHERE id = ?", (rid,))[0][0]


@pytest.mark.parametrize("field", ["end_use", "summary"])
def test_every_obfuscated_red_line_phrase_is_refused_by_the_store(store_as, tmp_path, field):
    store = store_as("bob")  # a senior officer: no role lets a red line pass
    corpus = [t for t in OBFUSCATED + SPACING_ONLY if t != NOT_THE_PHRASE]
    imported = _import_each(store, tmp_path, corpus, field)
    assert len(imported) > 0.9 * len(corpus)  # refusing them all at import would prove nothing
    passed = {rid: text for rid, text in imported.items() if not _approve(store, rid).startswith("refused")}
    assert passed == {}, f"{len(passed)} approved: {list(passed.values())[:5]}"
    assert not q(store.path, "SELECT 1 FROM decisions WHERE outcome = 'approve' AND request_id LIKE 'T-%'")


NOT_THE_PHRASE = "ΑUΤΟΝΟΜΟUS"  # one word of the phrase, Greek and Latin mixed: no red line, but not plain


def test_a_mixed_script_word_that_is_no_phrase_still_needs_a_second_officer(store_as, tmp_path):
    assert NOT_THE_PHRASE in OBFUSCATED
    (rid,) = _import_each(store_as("bob"), tmp_path, [NOT_THE_PHRASE])
    assert _approve(store_as("bob"), rid) == "awaiting_countersign"


def test_the_refusal_names_the_red_line(store_as, tmp_path):
    store = store_as("bob")
    (rid,) = _import_each(store, tmp_path, ["Deploy ｌｅｔｈａｌ а\u200butonomous drones"])
    with pytest.raises(Refused, match=r"red line.*lethal autonomous"):
        decisions.decide(store, rid, "approve")


def test_other_red_line_phrases_obfuscated_the_same_ways(store_as, tmp_path):
    store = store_as("bob")
    tricks = [
        lambda p: p.replace("a", "\u0430"),  # Cyrillic а
        lambda p: p.replace("s", "\u0455"),  # Cyrillic ѕ
        lambda p: p.replace("e", "\u0435", 1),
        lambda p: p.replace(" ", "\u200b"),  # ZWSP for the space
        lambda p: p[:3] + "\u00ad" + p[3:],  # soft hyphen inside the word
        lambda p: p[:2] + "\ufe0f" + p[2:],  # a variation selector
        lambda p: p[:2] + "\u3164" + p[2:],  # Hangul filler
        lambda p: p[:2] + "\U000e0061" + p[2:],  # a tag character
        lambda p: "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in p),  # full width
        lambda p: p.upper().replace("E", "\u13ac"),  # Cherokee Ꭼ
        lambda p: p.replace("o", "\u1d0f"),  # small capital ᴏ
        lambda p: p.replace("n", "\u0578"),  # Armenian ո
        lambda p: p.replace(" ", "-"),
    ]
    texts = [f"We plan {trick(p)} of the region." for p in PHRASES for trick in tricks]
    imported = _import_each(store, tmp_path, texts)
    assert len(imported) == len(texts)
    assert {rid: t for rid, t in imported.items() if not _approve(store, rid).startswith("refused")} == {}


def test_legitimate_text_still_approves_as_plain_text_does(store_as, tmp_path):
    store = store_as("bob")
    (plain,) = _import_each(store, tmp_path, ["Network defence research for our own systems."], "summary")
    expected = _approve(store, plain)
    assert not expected.startswith("refused")
    imported = _import_each(store, tmp_path, LEGITIMATE)
    assert len(imported) == len(LEGITIMATE)
    wrong = {t: got for rid, t in imported.items() if (got := _approve(store, rid)) != expected}
    assert wrong == {}


def test_invisible_text_that_hides_no_phrase_needs_a_second_officer(store_as, tmp_path):
    store = store_as("bob")
    (rid,) = _import_each(store, tmp_path, ["Network\u200b defence for our own grid"])
    assert _approve(store, rid) == "awaiting_countersign"
    # the same officer under a look-alike name is still the same officer
    with pytest.raises(Refused):
        decisions.countersign(store_as("b\u043eb"), rid)
    decisions.countersign(store_as("carol"), rid)
    assert q(store.path, "SELECT status FROM requests WHERE id = ?", (rid,))[0][0] == "approved"


SAMPLE = [
    OBFUSCATED[0],  # soft hyphen inside a word
    "lethal\u200dautonomous",  # zero-width joiner for the space
    "le\ufe0fthal autonomous",  # variation selector
    "le\u3164thal autonomous",  # Hangul filler
    "le\U000e0074thal autonomous",  # tag character
    "lethal autonomou\u0455",  # Cyrillic
    "ᏞᎬᎢᎻᎪᏞ autonomous",  # Cherokee
    "lethal aut\u0585nomous",  # Armenian օ
    "ʟethal autonomous",  # small capital
    "1ethal aut0n0m0us",
    "\u202esuomonotua lahtel\u202c",
]


def test_cli_refuses_the_sample_and_prints_nothing_raw(cli, db_path, tmp_path):
    body = [_request(f"S-{n}", text) for n, text in enumerate(SAMPLE)]
    path = tmp_path / "sample.yaml"
    path.write_text(yaml.safe_dump({"requests": body}, allow_unicode=True), encoding="utf-8")
    r = cli("import", "requests", str(path), db=db_path)
    assert r.returncode == 0, r.stderr
    for n, _text in enumerate(SAMPLE):
        shown = cli("show", f"S-{n}", db=db_path, officer="bob")
        assert shown.returncode == 0
        assert "RED LINE" in shown.stdout.upper() or "refused" in shown.stdout, shown.stdout
        assert not re.search(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufe00-\ufe0f\u3164\U000e0000-\U000e007f]",
                             shown.stdout)  # fmt: skip
        r = cli("decide", f"S-{n}", "approve", db=db_path, officer="bob")
        assert r.returncode == 1 and "red line" in r.stderr, (SAMPLE[n], r.stdout, r.stderr)
        r = cli("decide", f"S-{n}", "approve-with-conditions", "--condition", "x", db=db_path, officer="bob")
        assert r.returncode != 0
    assert not q(db_path, "SELECT 1 FROM decisions WHERE request_id LIKE 'S-%' AND outcome LIKE 'approve%'")
