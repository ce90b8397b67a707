"""The Consolidated Screening List as published: its CSV (29 columns) or its JSON."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from permittui.errors import InvalidFile, Problem
from permittui.formats.records import read_text

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
    if isinstance(value, list):
        parts = [str(v) for v in value]
    else:
        # The CSV packs aliases into one cell separated by ';' (Entity List rows also use '; and').
        parts = str(value or "").split(";")
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


def read_csv(path: Path) -> list[ListedParty]:
    name = str(path)
    text = read_text(path).removeprefix("\ufeff")  # a byte-order mark, as spreadsheets save it
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
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
    problems: list[Problem] = []
    parties: list[ListedParty] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                problems.append(
                    Problem(name, line, "", f"{len(header) + len(row[None])} cells, header has {len(header)}")
                )
                continue
            for col in REQUIRED:
                if not (row.get(col) or "").strip():
                    problems.append(Problem(name, line, col, "missing"))
            if problems and problems[-1].line == line:
                continue
            pid = row["_id"].strip()
            if pid in seen:
                problems.append(Problem(name, line, "_id", f"duplicate id {pid!r} (first on line {seen[pid]})"))
                continue
            seen[pid] = line
            parties.append(_party(row, _split_names(row.get("alt_names")), _countries_from_csv(row)))
    except csv.Error as e:
        problems.append(Problem(name, reader.line_num, "", f"not valid CSV: {e}"))
    if problems:
        raise InvalidFile(problems)
    return parties


def read_json(path: Path) -> list[ListedParty]:
    name = str(path)
    text = read_text(path).removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidFile([Problem(name, e.lineno, "", f"not valid JSON: {e.msg}")]) from None
    except RecursionError:
        raise InvalidFile([Problem(name, None, "", "not valid JSON: nested too deeply")]) from None
    rows = data.get("results") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise InvalidFile([Problem(name, 1, "results", 'expected the CSL JSON: {"results": [ ... ]} or a list')])
    problems: list[Problem] = []
    parties: list[ListedParty] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = f"results[{i}]"
        if not isinstance(row, dict):
            problems.append(Problem(name, None, where, "expected an object"))
            continue
        row = dict(row)
        if "_id" not in row and "id" in row:
            row["_id"] = row["id"]
        bad = [c for c in REQUIRED if not str(row.get(c) or "").strip()]
        if bad:
            problems.append(Problem(name, None, f"{where}.{bad[0]}", "missing"))
            continue
        odd = [c for c in ("name", "source") if not isinstance(row[c], str)]
        if odd:
            problems.append(Problem(name, None, f"{where}.{odd[0]}", "expected text"))
            continue
        if not isinstance(row.get("alt_names", []), (list, str, type(None))):
            problems.append(Problem(name, None, f"{where}.alt_names", "expected a list of names"))
            continue
        pid = str(row["_id"]).strip()
        if pid in seen:
            problems.append(Problem(name, None, f"{where}._id", f"duplicate id {pid!r}"))
            continue
        seen.add(pid)
        countries = []
        for addr in row.get("addresses") or []:
            if isinstance(addr, dict) and isinstance(addr.get("country"), str) and len(addr["country"]) == 2:
                countries.append(addr["country"].upper())
        for key in ("citizenships", "nationalities"):
            for c in row.get(key) or []:
                if isinstance(c, str) and len(c) == 2:
                    countries.append(c.upper())
        parties.append(_party(row, _split_names(row.get("alt_names")), tuple(dict.fromkeys(countries))))
    if problems:
        raise InvalidFile(problems)
    return parties


def read_list(path: Path) -> list[ListedParty]:
    text_start = b""
    if path.exists():
        with path.open("rb") as f:
            text_start = f.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
    if path.suffix.lower() == ".json" or text_start[:1] in (b"{", b"["):
        return read_json(path)
    return read_csv(path)
