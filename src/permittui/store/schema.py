"""The schema, as forward migrations. Each entry upgrades the database by one version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE schedules (
    version TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    status TEXT NOT NULL,
    effective_from TEXT,
    notes TEXT NOT NULL DEFAULT '[]',
    imported_at TEXT NOT NULL
);

-- The entries in force: re-importing a schedule replaces them (the audit chain keeps the old).
CREATE TABLE schedule_entries (
    code TEXT PRIMARY KEY,
    schedule_version TEXT NOT NULL REFERENCES schedules(version),
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    metric TEXT, operator TEXT, value TEXT, unit TEXT,
    trigger TEXT NOT NULL,
    review_window_days INTEGER NOT NULL,
    allow_list_cap INTEGER,
    countersign INTEGER NOT NULL DEFAULT 0,
    validity_days INTEGER NOT NULL DEFAULT 365,
    red_line_phrases TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT ''
);

-- Any change to the entries, by permittui or by hand, gives the schedule a new revision token,
-- so caches of the parsed schedule know when to reload.
CREATE TRIGGER schedule_entries_insert AFTER INSERT ON schedule_entries
    BEGIN INSERT OR REPLACE INTO meta VALUES ('schedule_revision', lower(hex(randomblob(8)))); END;
CREATE TRIGGER schedule_entries_update AFTER UPDATE ON schedule_entries
    BEGIN INSERT OR REPLACE INTO meta VALUES ('schedule_revision', lower(hex(randomblob(8)))); END;
CREATE TRIGGER schedule_entries_delete AFTER DELETE ON schedule_entries
    BEGIN INSERT OR REPLACE INTO meta VALUES ('schedule_revision', lower(hex(randomblob(8)))); END;

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    country TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    vetting TEXT NOT NULL,
    name_key TEXT NOT NULL DEFAULT ''          -- lower-cased name, for sorting and prefix search
);
CREATE INDEX customers_name_key ON customers(name_key);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    entries TEXT NOT NULL DEFAULT '[]',
    end_use TEXT NOT NULL,
    model TEXT,
    evaluations TEXT NOT NULL DEFAULT '[]',
    summary TEXT NOT NULL DEFAULT '',
    submitted TEXT NOT NULL,
    registered TEXT NOT NULL,
    status TEXT NOT NULL,
    assignee TEXT,
    priority INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    -- Derived from the rules at every change of the request, so the queue reads no findings:
    due TEXT NOT NULL,                        -- due date (clock, pauses excluded)
    flags INTEGER NOT NULL DEFAULT 0,         -- bit set, see domain.flags
    paused_since TEXT,                        -- set while info_requested
    paused_days INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
-- The queue: open requests by due date, keyset-paged on (due, id).
CREATE INDEX requests_queue ON requests(status, due, id);
CREATE INDEX requests_due ON requests(due, id);
CREATE INDEX requests_customer ON requests(customer_id, due, id);
CREATE INDEX requests_kind ON requests(kind, due, id);

CREATE TABLE request_entries (
    request_id TEXT NOT NULL REFERENCES requests(id),
    code TEXT NOT NULL,
    PRIMARY KEY (code, request_id)
) WITHOUT ROWID;

-- The clock as an event log (registered, paused, resumed, referred, decided ...).
CREATE TABLE request_events (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests(id),
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX request_events_request ON request_events(request_id, id);

CREATE TABLE reasons (code TEXT PRIMARY KEY, label TEXT NOT NULL, applies_to TEXT NOT NULL DEFAULT '[]');
CREATE TABLE conditions (code TEXT PRIMARY KEY, text TEXT NOT NULL);

-- Decisions are append-only: a countersign, send-back or reversal is a new row naming the one
-- it acts on. Triggers refuse UPDATE and DELETE through the application's own connection.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests(id),
    outcome TEXT NOT NULL,
    reasons TEXT NOT NULL DEFAULT '[]',
    conditions TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT '',
    officer TEXT NOT NULL,
    os_account TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    schedule_version TEXT,
    request_version INTEGER NOT NULL,
    status_before TEXT NOT NULL,
    status_after TEXT NOT NULL,
    acts_on INTEGER REFERENCES decisions(id),
    inspector TEXT,
    referral_due TEXT,
    override INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decisions_request ON decisions(request_id, id);
CREATE INDEX decisions_officer ON decisions(officer, id);
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    code TEXT NOT NULL,
    end_use TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '[]',
    granted TEXT NOT NULL,
    expires TEXT NOT NULL,
    status TEXT NOT NULL,
    decision_id INTEGER REFERENCES decisions(id),
    status_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (customer_id, code, end_use)
);
CREATE INDEX grants_code ON grants(code, status, expires);
CREATE INDEX grants_customer ON grants(customer_id, code);

-- What a decision did to a grant, so a reversal can put it back exactly (append-only).
CREATE TABLE grant_changes (
    decision_id INTEGER NOT NULL REFERENCES decisions(id),
    grant_id INTEGER NOT NULL REFERENCES grants(id),
    before TEXT                               -- the grant row before, or NULL when created
);
CREATE INDEX grant_changes_decision ON grant_changes(decision_id);
CREATE INDEX grants_expires ON grants(expires, id);

CREATE TABLE screening_entries (
    id TEXT PRIMARY KEY,                      -- the CSL _id
    source TEXT NOT NULL,
    entity_number TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    programs TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    alt_names TEXT NOT NULL DEFAULT '[]',
    countries TEXT NOT NULL DEFAULT '[]',
    license_policy TEXT NOT NULL DEFAULT '',
    remarks TEXT NOT NULL DEFAULT '',
    raw TEXT NOT NULL,                        -- the row as published
    content_hash TEXT NOT NULL,               -- a changed entry re-flags cleared hits
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    delisted TEXT                             -- set when a later list no longer has the entry
);
-- One row per listed name or alias, normalised at import so a screen does no string work per entry.
CREATE TABLE screening_names (
    entry_id TEXT NOT NULL REFERENCES screening_entries(id),
    name TEXT NOT NULL,
    norm TEXT NOT NULL
);
CREATE INDEX screening_names_entry ON screening_names(entry_id);

CREATE TABLE screening_hits (
    id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    entry_id TEXT NOT NULL REFERENCES screening_entries(id),
    party_name TEXT NOT NULL,
    listed_name TEXT NOT NULL,
    score REAL NOT NULL,
    entry_hash TEXT NOT NULL,
    disposition TEXT NOT NULL DEFAULT 'open',  -- open | cleared | confirmed | escalated
    reason TEXT NOT NULL DEFAULT '',
    officer TEXT,
    at TEXT,
    UNIQUE (customer_id, entry_id)
);

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    officer TEXT NOT NULL,
    os_account TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
"""

# The console's customer filter (customer:X, or a jump from the palette) reads one customer's
# open requests in due order: an index range per status instead of walking every open request.
V2 = """
CREATE INDEX requests_customer_queue ON requests(customer_id, status, due, id);
"""

# The console's cap: filter in due order: each open request once per entry it names, by
# (code, status, due, id), so a filter on an entry reads an index range per status instead of
# walking every open request and probing request_entries for each (46-100 ms at a million).
# Kept by triggers on requests from its `entries`, so no writer can forget it; generate drops
# them for its bulk transfer (SQLite copies b-trees only into a table without triggers) and
# fills the table with OPEN_ENTRIES_FILL.
OPEN = "('pending','info_requested','referred','awaiting_countersign')"
OPEN_ENTRIES_FILL = f"""INSERT OR IGNORE INTO open_entries (code, status, due, request_id)
    SELECT j.value, r.status, r.due, r.id FROM requests r, json_each(r.entries) j WHERE r.status IN {OPEN};
"""
V3 = f"""
CREATE TABLE open_entries (
    code TEXT NOT NULL,
    status TEXT NOT NULL,
    due TEXT NOT NULL,
    request_id TEXT NOT NULL,
    PRIMARY KEY (code, status, due, request_id)
) WITHOUT ROWID;
{OPEN_ENTRIES_FILL}
CREATE TRIGGER open_entries_insert AFTER INSERT ON requests WHEN NEW.status IN {OPEN}
    BEGIN INSERT OR IGNORE INTO open_entries (code, status, due, request_id)
          SELECT value, NEW.status, NEW.due, NEW.id FROM json_each(NEW.entries); END;
CREATE TRIGGER open_entries_delete AFTER DELETE ON requests WHEN OLD.status IN {OPEN}
    BEGIN DELETE FROM open_entries WHERE status = OLD.status AND due = OLD.due AND request_id = OLD.id
          AND code IN (SELECT value FROM json_each(OLD.entries)); END;
CREATE TRIGGER open_entries_update AFTER UPDATE OF status, due, entries ON requests
    WHEN OLD.status IN {OPEN} OR NEW.status IN {OPEN}
    BEGIN DELETE FROM open_entries WHERE status = OLD.status AND due = OLD.due AND request_id = OLD.id
          AND code IN (SELECT value FROM json_each(OLD.entries));
          INSERT OR IGNORE INTO open_entries (code, status, due, request_id)
          SELECT value, NEW.status, NEW.due, NEW.id FROM json_each(NEW.entries) WHERE NEW.status IN {OPEN}; END;
"""
OPEN_ENTRIES_TRIGGERS = ("open_entries_insert", "open_entries_delete", "open_entries_update")

# Typed metrics, declared end-use categories and the core red lines: the schedule's metric
# definitions (JSON, one per metric), the core red line an entry carries, the end-use vocabulary,
# and the category each request declares. An older file is filled by migrate_v4 below.
V4 = """
ALTER TABLE schedules ADD COLUMN metrics TEXT NOT NULL DEFAULT '[]';
ALTER TABLE schedule_entries ADD COLUMN red_line TEXT;
ALTER TABLE requests ADD COLUMN end_use_category TEXT;
CREATE TABLE end_uses (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    red_line TEXT
);
"""


def migrate_v4(conn: sqlite3.Connection) -> None:
    """Fill what V4 adds for a database made before it: the shipped end-use vocabulary; the
    schedule in force's metrics, as its thresholds imply them; the core red line each prohibited
    entry carries (by its evidence metric, its categories or its phrases); and the category a
    request declared the old way, as an `end_use_category` evaluation."""
    from permittui.store import upgrade

    upgrade.fill_v4(conn)


# A step is its SQL, or its SQL and then a function that fills what the SQL added.
Migration = str | tuple[str, Callable[[sqlite3.Connection], None]]
MIGRATIONS: list[Migration] = [V1, V2, V3, (V4, migrate_v4)]
