"""The audit chain: every change appends a row whose hash covers the previous hash and the row.

Tampering is detectable, not impossible: anyone who can write the file can rewrite the whole
chain, which is why `checkpoint` prints the head for an office to record outside the file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(
    prev_hash: str, seq: int, at: str, officer: str, os_account: str, action: str, subject: str, payload: str
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": at,
            "officer": officer,
            "os_account": os_account,
            "action": action,
            "subject": subject,
            "payload": payload,
        }
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(
    conn: sqlite3.Connection, at: str, officer: str, os_account: str, action: str, subject: str, payload: dict[str, Any]
) -> int:
    """Append one audit row inside the caller's transaction; returns its sequence number."""
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    text = canonical(payload)
    digest = row_hash(prev, seq, at, officer, os_account, action, subject, text)
    conn.execute(
        "INSERT INTO audit (seq, at, officer, os_account, action, subject, payload, prev_hash, hash)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (seq, at, officer, os_account, action, subject, text, prev, digest),
    )
    return seq


@dataclass
class VerifyResult:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    problem: str = ""
    bad_seq: int | None = None


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (last[0], last[1]) if last else (0, GENESIS)


def verify(conn: sqlite3.Connection, checkpoint: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain in order; name the first row that does not follow from the one before."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    seen_at_checkpoint: str | None = None
    cursor = conn.execute(
        "SELECT seq, at, officer, os_account, action, subject, payload, prev_hash, hash FROM audit ORDER BY seq"
    )
    for seq, at, officer, account, action, subject, payload, stored_prev, stored_hash in cursor:
        if seq != expected_seq:
            what = "missing" if seq > expected_seq else "out of order"
            return VerifyResult(
                False, count, seq, stored_hash, f"row {expected_seq} is {what} (next row found is {seq})", expected_seq
            )
        if stored_prev != prev_hash:
            return VerifyResult(
                False,
                count,
                seq,
                stored_hash,
                f"row {seq} does not follow row {seq - 1} (previous hash differs:"
                " a row was inserted, deleted or reordered before it)",
                seq,
            )
        if row_hash(prev_hash, seq, at, officer, account, action, subject, payload) != stored_hash:
            return VerifyResult(
                False, count, seq, stored_hash, f"row {seq} was altered (its content no longer matches its hash)", seq
            )
        if checkpoint and seq == checkpoint[0]:
            seen_at_checkpoint = stored_hash
        prev_hash, expected_seq, count = stored_hash, expected_seq + 1, count + 1
    head_seq = expected_seq - 1
    if checkpoint:
        cp_seq, cp_hash = checkpoint
        if cp_seq > head_seq:
            return VerifyResult(
                False,
                count,
                head_seq,
                prev_hash,
                f"the chain ends at row {head_seq}, before checkpoint row {cp_seq}: rows were removed from the end",
                head_seq + 1,
            )
        if seen_at_checkpoint is not None and seen_at_checkpoint != cp_hash:
            return VerifyResult(
                False,
                count,
                head_seq,
                prev_hash,
                f"row {cp_seq} does not match the checkpoint hash: the chain was rewritten",
                cp_seq,
            )
    return VerifyResult(True, count, head_seq, prev_hash)
