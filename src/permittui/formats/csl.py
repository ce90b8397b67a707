"""The Consolidated Screening List as published: its CSV (29 columns) or its JSON.

A list comes from outside like any file, and its names are what screening indexes, so it has
limits of its own (a name of 100,000 characters or 10,000 aliases is refused, not indexed):
MAX_NAME_CHARS for the name and each alias, MAX_ALT_NAMES aliases, MAX_FIELD_CHARS for any other
field (a JSON field as written), MAX_ID_CHARS for the id, MAX_LIST_NAMES for the whole list's
names (the screener holds them all in memory); names and ids are one line (a name
spanning lines is a quote left open). The JSON's structure is checked (formats.records'
json_loads: depth, numbers, duplicate keys) and each field used must have its published type.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from permittui.errors import InvalidFile, Problem
from permittui.formats.files import decode, read_bytes
from permittui.formats.json_events import json_loads

CSV_COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
REQUIRED = ("_id", "source", "name")
MAX_NAME_CHARS = 1_000
MAX_ALT_NAMES = 500
MAX_FIELD_CHARS = 20_000  # as domain.validate.MAX_TEXT
MAX_ID_CHARS = 200
MAX_LIST_NAMES = 200_000  # names and aliases of the whole list (a real one has tens of thousands)
MAX_PROBLEMS = 100  # kept to report; the rest are counted


@dataclass(frozen=True)
class ListedParty:
    id: str
    source: str
    entity_number: str
    type: str
    programs: str
    name: str
    alt_names: tuple[str, ...]
    countries: tuple[str, ...]
    license_policy: str
    remarks: str
    raw: str  # canonical JSON of the row as published

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.raw.encode()).hexdigest()


def _split_names(value: Any) -> tuple[str, ...]:
    parts = list(value) if isinstance(value, list) else str(value or "").split(";")
    # The CSV packs aliases into one cell separated by ';' (Entity List rows also use '; and').
    out = []
    for p in parts:
        p = p.strip()
        if p.lower().startswith("and "):
            p = p[4:].strip()
        if p:
            out.append(p)
    return tuple(dict.fromkeys(out))


def _countries_from_csv(row: dict[str, str]) -> tuple[str, ...]:
    found = []
    for address in (row.get("addresses") or "").split(";"):
        last = address.rsplit(",", 1)[-1].strip()
        if len(last) == 2 and last.isalpha():
            found.append(last.upper())
    for key in ("citizenships", "nationalities"):
        for c in (row.get(key) or "").split(";"):
            c = c.strip()
            if len(c) == 2 and c.isalpha():
                found.append(c.upper())
    return tuple(dict.fromkeys(found))


def _party(row: dict[str, Any], alt_names: tuple[str, ...], countries: tuple[str, ...]) -> ListedParty:
    return ListedParty(
        id=str(row["_id"]).strip(),
        source=str(row.get("source") or "").strip(),
        entity_number=str(row.get("entity_number") or ""),
        type=str(row.get("type") or ""),
        programs=_text_list(row.get("programs")),
        name=str(row["name"]).strip(),
        alt_names=alt_names,
        countries=countries,
        license_policy=_text_list(row.get("license_policy")),
        remarks=_text_list(row.get("remarks")),
        raw=json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
    )


def _text_list(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value or "")


class _Problems:
    """The problems of one list: the first MAX_PROBLEMS kept, all of them counted."""

    def __init__(self, name: str) -> None:
        self.name, self.kept, self.count = name, [], 0

    def add(self, line: int | None, field: str, message: str) -> None:
        self.count += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(Problem(self.name, line, field, message))

    def raise_any(self, parties: list[ListedParty] | None = None) -> None:
        names = sum(1 + len(p.alt_names) for p in parties or ())
        if names > MAX_LIST_NAMES:  # each is held in the screener's memory at every screen
            self.add(None, "", f"the list holds {names} names with their aliases, more than {MAX_LIST_NAMES}")
        if self.count:
            raise InvalidFile(self.kept, self.count)


def _check_names(name: str, alt_names: tuple[str, ...], add, where: str = "") -> bool:
    """The limits on what screening indexes; False (with problems added) when one is broken."""
    ok = True
    if len(name) > MAX_NAME_CHARS:
        add(f"{where}name", f"longer than {MAX_NAME_CHARS} characters")
        ok = False
    if len(alt_names) > MAX_ALT_NAMES:
        add(f"{where}alt_names", f"more than {MAX_ALT_NAMES} names")
        ok = False
    long = next((a for a in alt_names if len(a) > MAX_NAME_CHARS), None)
    if long is not None:
        add(f"{where}alt_names", f"a name longer than {MAX_NAME_CHARS} characters")
        ok = False
    if any("\n" in a or "\r" in a for a in alt_names):
        add(f"{where}alt_names", "a name spans lines (a quote left open?)")
        ok = False
    return ok


# ── CSV ──────────────────────────────────────────────────────────────────────────────────


def read_csv(path: Path) -> list[ListedParty]:
    name = str(path)
    return _parse_csv(name, decode(name, read_bytes(path)))


def _parse_csv(name: str, text: str) -> list[ListedParty]:
    nul = text.find("\x00")
    if nul >= 0:
        raise InvalidFile([Problem(name, text.count("\n", 0, nul) + 1, "", "a NUL byte: not a CSV text file")])
    # strict: a quote left open is an error at the end of the file, not every later row read as one cell
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as e:
        raise InvalidFile([Problem(name, 1, "", f"not valid CSV: {e}")]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        # One problem per column, so each reads FILE:1: COLUMN: missing column.
        raise InvalidFile(
            [
                Problem(
                    name,
                    1,
                    col,
                    "missing column; expected the Consolidated Screening List header"
                    " (_id, source, entity_number, type, programs, name, ...)",
                )
                for col in missing
            ]
        )
    problems = _Problems(name)
    parties: list[ListedParty] = []
    seen: dict[str, int] = {}
    start = reader.line_num + 1  # the line the next row starts on
    try:
        for row in reader:
            line, end = start, reader.line_num
            start = end + 1
            before = problems.count

            def add(field: str, message: str, line: int = line) -> None:
                problems.add(line, field, message)

            if None in row:
                add("", f"{len(header) + len(row[None])} cells, header has {len(header)}")
                continue
            for col, value in row.items():
                if value is not None and len(value) > (MAX_NAME_CHARS if col == "name" else MAX_FIELD_CHARS):
                    limit = MAX_NAME_CHARS if col == "name" else MAX_FIELD_CHARS
                    add(col or "", f"longer than {limit} characters")
            for col in REQUIRED:
                value = row.get(col) or ""
                if not value.strip():
                    add(col, "missing")
                elif "\n" in value or "\r" in value:
                    add(col, f"spans lines {line}-{end} (a quote left open on line {line}?)")
            if problems.count > before:
                continue
            pid = row["_id"].strip()
            if len(pid) > MAX_ID_CHARS:
                add("_id", f"longer than {MAX_ID_CHARS} characters")
                continue
            if pid in seen:
                add("_id", f"duplicate id {pid!r} (first on line {seen[pid]})")
                continue
            seen[pid] = line
            alt_names = _split_names(row.get("alt_names"))
            if not _check_names(row["name"].strip(), alt_names, add):
                continue
            parties.append(_party(row, alt_names, _countries_from_csv(row)))
    except csv.Error as e:
        if "end of data" in str(e):
            problems.add(start, "", "a quoted cell opened on this line is never closed")
        else:
            problems.add(reader.line_num, "", f"not valid CSV: {e}")
    problems.raise_any(parties)
    return parties


# ── JSON ─────────────────────────────────────────────────────────────────────────────────

_TEXT_FIELDS = ("_id", "source", "name", "entity_number", "type", "title")
_TEXT_OR_LIST = ("programs", "license_policy", "remarks", "alt_names", "citizenships", "nationalities")


def read_json(path: Path) -> list[ListedParty]:
    name = str(path)
    return _parse_json(name, read_bytes(path))


def _parse_json(name: str, data: bytes) -> list[ListedParty]:
    data = data.removeprefix(b"\xef\xbb\xbf")
    loaded = json_loads(name, data)
    rows = loaded.get("results") if isinstance(loaded, dict) else loaded
    if not isinstance(rows, list):
        raise InvalidFile([Problem(name, 1, "results", 'expected the CSL JSON: {"results": [ ... ]} or a list')])
    problems = _Problems(name)
    parties: list[ListedParty] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = f"results[{i}]"
        before = problems.count

        def add(field: str, message: str, where: str = where) -> None:
            problems.add(None, f"{where}.{field}" if field else where, message)

        if not isinstance(row, dict):
            add("", "expected an object")
            continue
        row = dict(row)
        if "_id" not in row and "id" in row:
            row["_id"] = row["id"]
        _check_json_row(row, add)
        if problems.count > before:
            continue
        pid = row["_id"].strip()
        if pid in seen:
            add("_id", f"duplicate id {pid!r}")
            continue
        seen.add(pid)
        alt_names = _split_names(row.get("alt_names"))
        if not _check_names(row["name"].strip(), alt_names, add):
            continue
        countries = []
        for addr in row.get("addresses") or []:
            if isinstance(addr.get("country"), str) and len(addr["country"]) == 2:
                countries.append(addr["country"].upper())
        for key in ("citizenships", "nationalities"):
            value = row.get(key) or []
            for c in [value] if isinstance(value, str) else value:
                if len(c) == 2:
                    countries.append(c.upper())
        party = _party(row, alt_names, tuple(dict.fromkeys(countries)))
        try:
            party.raw.encode("utf-8")
        except UnicodeEncodeError:  # "\\ud800" in the file: JSON reads it, it is no text
            add("", "text with a lone surrogate is not valid Unicode")
            continue
        parties.append(party)
    problems.raise_any(parties)
    return parties


def _check_json_row(row: dict[str, Any], add) -> None:
    """Each field screening reads has the type the published list gives it; every field is
    held to MAX_FIELD_CHARS as written."""
    for col in REQUIRED:
        value = row.get(col)
        if value is None or (isinstance(value, str) and not value.strip()):
            add(col, "missing")
    for col in _TEXT_FIELDS:
        value = row.get(col)
        if value is not None and not isinstance(value, str):
            add(col, f"expected text, got {_kind(value)}")
        elif isinstance(value, str) and col in ("_id", "source", "name") and ("\n" in value or "\r" in value):
            add(col, "must be one line")
    if isinstance(row.get("_id"), str) and len(row["_id"].strip()) > MAX_ID_CHARS:
        add("_id", f"longer than {MAX_ID_CHARS} characters")
    for col in _TEXT_OR_LIST:
        value = row.get(col)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            add(col, f"expected text or a list of text, got {_kind(value)}")
    addresses = row.get("addresses")
    if addresses is not None and (
        not isinstance(addresses, list)
        or not all(isinstance(a, dict) and all(v is None or isinstance(v, str) for v in a.values()) for a in addresses)
    ):
        add("addresses", "expected a list of addresses (objects of text)")
    for col, value in row.items():
        if col == "name" or value is None or isinstance(value, (bool, int, float)):
            continue
        size = len(value) if isinstance(value, str) else len(json.dumps(value, ensure_ascii=False))
        if size > MAX_FIELD_CHARS:
            add(col, f"longer than {MAX_FIELD_CHARS} characters")


def _kind(value: Any) -> str:
    if isinstance(value, list):
        odd = next((v for v in value if not isinstance(v, str)), None)
        return f"a list holding {_kind(odd)}" if value and not isinstance(odd, str) else "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {list: "a list", dict: "an object", str: "text"}.get(type(value), type(value).__name__)


def read_list(path: Path) -> list[ListedParty]:
    """The list at `path`: JSON by its name or its first character, else CSV."""
    name = str(path)
    data = read_bytes(path)
    if path.suffix.lower() == ".json" or data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"["):
        return _parse_json(name, data)
    return _parse_csv(name, decode(name, data))
