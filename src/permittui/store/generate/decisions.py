"""Planning decisions for `permittui generate`: the allow-lists (in memory, written at the end) and
the decisions, countersigns and grants a request gets."""

from __future__ import annotations

import heapq
import random
from array import array
from json.encoder import encode_basestring as _jstr  # what json.dumps(ensure_ascii=False) uses
from math import sqrt
from typing import Any

from permittui.domain import flags as F
from permittui.domain import lifecycle
from permittui.errors import BadInput, Refused
from permittui.store.generate.helpers import _CS, _DEC, _REG
from permittui.store.generate.vocab import (
    CODE_FIT,
    INSPECTORS,
    OFFICERS,
    OPEN_TARGETS,
    OUTCOME_CUTS,
    PRE_STEP,
    PROGRAMMES,
    RED_LINE_REASON,
)
from permittui.store.rows import dumps


class _DecisionsMixin:
    """Part of _Generator: the allow-lists and decisions."""

    # ── the allow-lists (in memory, written at the end) ──
    def _legacy_grants(self) -> None:
        """The allow-list as it stood when the period began (imported; no decision behind them)."""
        # The allow-list in memory, one slot per grant id (0 unused), as compact columns: customer,
        # entry (index), text key, granted and expires (day ordinals), conditions JSON, decision (0: none).
        self.g_cust, self.g_code, self.g_tkey = array("i", [0]), array("b", [0]), array("i", [0])
        self.g_granted, self.g_expires, self.g_decision = array("i", [0]), array("i", [0]), array("q", [0])
        self.g_conds: list[str] = [""]
        self.grant_ops: list[tuple] = []  # for the writer: (id, ...) new, (id, expires, ...) extended
        self.grant_by_key: dict[int, int] = {}  # (customer, entry, text key) packed -> grant id
        self.expiring: dict[int, list[int]] = {}  # expiry week -> renewable grant ids (stale ones skipped)
        self.renewing: dict[int, int] = {}  # grant id -> day until which a renewal is pending
        # Cap usage as planned: per capped entry, holder -> held until; a heap drops lapsed holders.
        self.holders: dict[str, dict[int, int]] = {c: {} for c in self.cap}
        self.holder_heap: dict[str, list[tuple[int, int]]] = {c: [] for c in self.cap}
        rng = random.Random(self.seed ^ 0x6A47)
        added = 0
        for ci in range(len(self.cust_ids)):
            if self.cust_vetting[ci] == "suspended" or rng.random() < 0.35:
                continue
            fits = [c for c in self.access_codes if self.cust_tags[ci] & CODE_FIT[c]]
            for code in rng.sample(fits, min(len(fits), rng.choice((1, 1, 2)))):
                if code in self.cap and len(self.holders[code]) >= self.cap[code] * 0.6:
                    continue
                validity = self.validity[code]
                expires = self.first_day + rng.randint(-30, validity - 20)
                tkey = self.code_idx[code] * PROGRAMMES + rng.randrange(PROGRAMMES)
                self._new_grant(
                    ci, code, tkey, expires - validity, expires, self._conditions([code], "access", rng)[0], None
                )
                if code in self.holders:
                    self._hold(code, ci, expires)
                added += 1
        self.backdated.audit("import.grants", "allow-list.generated", {"file": "allow-list.generated", "added": added})

    def _new_grant(
        self, ci: int, code: str, tkey: int, granted: int, expires: int, conds: str, decision: int | None
    ) -> int:
        gid = len(self.g_cust)
        self.g_cust.append(ci)
        self.g_code.append(self.code_idx[code])
        self.g_tkey.append(tkey)
        self.g_granted.append(granted)
        self.g_expires.append(expires)
        self.g_decision.append(decision or 0)
        self.g_conds.append(conds)
        self.grant_ops.append((gid, ci, code, tkey, granted, expires, conds, decision))
        self.grant_by_key[(ci * 64 + self.code_idx[code]) * 65536 + tkey] = gid
        if self.trigger[code] == "licence_required":  # a licence is renewed; a clearance is not
            self.expiring.setdefault(expires // 7, []).append(gid)
        return gid

    def _hold(self, code: str, ci: int, until: int) -> None:
        held = self.holders[code]
        if until > held.get(ci, -1):
            held[ci] = until
            heapq.heappush(self.holder_heap[code], (until, ci))

    def _cap_full(self, code: str, day: int) -> bool:
        """Is the allow-list of a capped entry full on `day`, counting approvals already planned?"""
        held, heap = self.holders[code], self.holder_heap[code]
        while heap and heap[0][0] < day:
            until, ci = heapq.heappop(heap)
            if held.get(ci) == until:
                del held[ci]
        return len(held) >= self.cap[code]

    def _apply_grants(self, grant: tuple, decision_id: int, day: int, changes: list[tuple]) -> str:
        """What decisions._write_grants does to the allow-list, on the in-memory table; returns the
        canonical JSON of the `grants` list that the decision's audit row carries."""
        ci, codes, tkey, conds = grant
        out = []
        for code in codes:
            validity = self.validity[code]
            gid = self.grant_by_key.get((ci * 64 + self.code_idx[code]) * 65536 + tkey)
            if gid is None:
                expires = day + validity
                gid = self._new_grant(ci, code, tkey, day, expires, conds, decision_id)
                changes.append((decision_id, gid, None))
                extended = "false"
            else:
                old = self.g_expires[gid]
                before = self.g_decision[gid]
                # The grant row before, as decisions._write_grants records it (dumps of the row, in order).
                changes.append(
                    (
                        decision_id,
                        gid,
                        (
                            f'{{"id":{gid},"customer_id":{_jstr(self.cust_ids[ci])},"code":{_jstr(code)},'
                            f'"end_use":{_jstr(self._end_use(ci, tkey)[1])},"conditions":{_jstr(self.g_conds[gid])},'
                            f'"granted":"{self.day(self.g_granted[gid])}","expires":"{self.day(old)}","status":"active",'
                            f'"decision_id":{before or "null"},"status_reason":""}}'
                        ),
                    )
                )
                expires = (day if day > old else old) + validity
                self.g_expires[gid], self.g_conds[gid], self.g_decision[gid] = expires, conds, decision_id
                self.grant_ops.append((gid, expires, conds, decision_id))
                if self.trigger[code] == "licence_required":
                    self.expiring.setdefault(expires // 7, []).append(gid)
                extended = "true"
            out.append(f'{{"code":"{code}","expires":"{self.day(expires)}","extended":{extended},"grant":{gid}}}')
        return "[" + ",".join(out) + "]"

    def _fix_flags(self) -> None:
        """The flags that depend on the allow-lists as they end up: cap reached (predicted while
        planning, corrected here) and, for renewals, a lapsed grant on the entry."""
        assert self.side is not None
        self.counts["grants"] = len(self.g_cust) - 1
        users: dict[str, set[int]] = {c: set() for c in self.cap}
        expired: set[int] = set()
        for gid in range(1, len(self.g_cust)):
            ci, code = self.g_cust[gid], self.codes[self.g_code[gid]]
            if self.g_expires[gid] < self.today_ord:
                expired.add(ci * 64 + self.g_code[gid])
            elif code in users:
                users[code].add(ci)
        full = {c for c in self.cap if len(users[c]) >= self.cap[c]}
        turn_on, turn_off = [], []
        for rowid, mask, predicted in zip(self.cap_rows, self.cap_masks, self.cap_predicted, strict=False):
            final = any(mask >> b & 1 and code in full for b, code in enumerate(self.capped_codes))
            if final != bool(predicted):
                (turn_on if final else turn_off).append((rowid,))
        db = self.side.db
        if db.execute("SELECT max(rowid) FROM requests").fetchone()[0] != self.n:
            raise RuntimeError("requests were not written in order; their flags can't be fixed by rowid")
        db.executemany(f"UPDATE requests SET flags = flags | {F.CAP} WHERE rowid = ?", turn_on)
        db.executemany(f"UPDATE requests SET flags = flags & ~{F.CAP} WHERE rowid = ?", turn_off)
        lapsed = [
            (rowid,) for rowid, pair in zip(self.renewal_rows, self.renewal_pairs, strict=False) if pair in expired
        ]
        db.executemany(f"UPDATE requests SET flags = flags | {F.EXPIRED_GRANT} WHERE rowid = ?", lapsed)

    # ── decisions ──
    def _rule(
        self,
        kind: str,
        status: str,
        red: tuple[str, ...],
        cs_codes: tuple[str, ...],
        caps: tuple[str, ...],
        ci: int,
        outcome: str,
        reasons: bool,
        conds: bool,
        override: bool,
        inspector: bool,
    ) -> Any:
        """lifecycle.rule, once per distinct situation (its answer depends on nothing else):
        (status after, needs countersign, why_countersign as JSON, override) or False if refused."""
        key = (kind, status, red, cs_codes, caps, self.cust_state[ci], outcome, reasons, conds, override, inspector)
        ruling = self._ruling_cache.get(key)
        if ruling is None:
            facts = lifecycle.Facts(
                "REQ",
                kind,
                status,
                red_line_codes=list(red),
                countersign_codes=list(cs_codes),
                caps_reached=list(caps),
                customer_suspended=self.cust_vetting[ci] == "suspended",
                screening_open=self.cust_screen_open[ci],
                screening_confirmed=self.cust_screen_confirmed[ci],
            )
            try:
                r = lifecycle.rule(
                    facts,
                    outcome,
                    reasons=["R"] if reasons else [],
                    conditions=["C"] if conds else [],
                    override=override,
                    inspector="I" if inspector else None,
                )
                ruling = (
                    r.status_after,
                    r.needs_countersign,
                    "[" + ",".join(map(_jstr, r.why_countersign)) + "]",
                    int(r.override),
                )
            except (Refused, BadInput):
                ruling = False
            self._ruling_cache[key] = ruling
        return ruling

    def _decide(
        self,
        rid: str,
        kind: str,
        ci: int,
        red: tuple[str, ...],
        cs_codes: tuple[str, ...],
        grant_codes: list[str],
        caps: tuple[str, ...],
        reg: int,
        window: int,
        cuts: tuple,
        tkey: int,
        rng: random.Random,
        vague: bool,
    ) -> tuple[str, int, int | None, int, str | None, int, int]:
        """Plan this request's decisions into the day buckets; return its state as of today:
        (status, version, paused_since, paused_days, assignee, day and second of the last change)."""
        random_ = rng.random
        buckets, first, tie = self.buckets, self.first_day, self.tie
        reg_secs = 25200 + int(random_() * 17880)  # registered in the morning, 7:00-11:58
        bucket = buckets[reg - first]
        if bucket is None:
            bucket = buckets[reg - first] = []
        bucket.append((reg_secs, next(tie), (_REG, rid)))
        age = self.last_day - reg
        # Still open? Likely when young, seldom once the window is long past.
        p_open = (
            0.9
            if age < cuts[0]
            else 0.35
            if age < cuts[1]
            else 0.1
            if age < cuts[2]
            else 0.01
            if age < cuts[3]
            else 0.001
        )
        target = OPEN_TARGETS[int(random_() * 10)] if random_() < p_open else None  # None: decided
        # The outcome the officer reaches.
        override = False
        group = None
        x = random_()
        state = self.cust_state[ci]
        if red:
            outcome = "deny"
        elif state & 4:  # a confirmed restricted party
            outcome, group = "deny", "deny-listed"
        elif state & 1:  # suspended
            outcome, group = ("deny", "deny-party") if x < 0.85 else ("return", None)
        elif vague:
            outcome = "return" if x < 0.6 else "deny"
        elif caps:
            outcome, group = ("deny", "deny-cap") if x < 0.8 else ("return", None) if x < 0.95 else ("approve", None)
            override = outcome == "approve"
        else:
            cut = OUTCOME_CUTS[kind]
            outcome = (
                "approve"
                if x < cut[0]
                else "approve-with-conditions"
                if x < cut[1]
                else "deny"
                if x < cut[2]
                else "return"
            )
        if kind == "release" and group is None and not vague and (outcome == "approve" or outcome == "deny"):
            group = outcome + "-release"
        # An earlier step: a request for information, or a referral to an inspector.
        pre = None
        if target is None:
            if not red:
                x = random_()
                p_info, p_refer = PRE_STEP[kind]
                if vague:
                    p_info = 0.6
                if x < p_info:
                    pre = "request-info"
                elif x < p_info + p_refer:
                    pre = "refer"
        elif target == "info_requested" or target == "referred":
            if red:
                target = "pending"
            else:
                pre = "request-info" if target == "info_requested" else "refer"
        officer = int(random_() * 12)
        # When: the decision mostly within the window (triangular, peak near the middle), sometimes
        # late; never after yesterday.
        if random_() < 0.07:
            lag = window + 1 + int(random_() * (window * 0.4 + 2))
        else:
            u = random_()
            lag = int(1 + (window * 1.05 - 1) * (sqrt(u * 0.4) if u < 0.4 else 1 - sqrt((1 - u) * 0.6)))
        if target is None:
            final_day = reg + (lag if lag < age else age)
            pre_day = reg + int(random_() * (final_day - reg)) if pre and final_day > reg else None
            if pre_day is None:
                pre = None
        else:
            pre_day = reg + int(random_() * (age + 1)) if pre else None
            final_day = reg + int(random_() * (age + 1))  # for awaiting_countersign
        status, version, paused_since, paused = "pending", 1, None, 0
        upd_day, upd_secs = reg, reg_secs
        assignee = None
        if pre is not None:
            inspector = INSPECTORS[int(random_() * len(INSPECTORS))] if pre == "refer" else None
            options = self.reason_options[pre]
            reasons_j, reasons = options[int(random_() * len(options))]
            ruling = self._rule(
                kind, status, red, cs_codes, caps, ci, pre, bool(reasons), False, False, inspector is not None
            )
            secs = 43200 + int(random_() * 18000)
            notes = self.notes[pre]
            bucket = buckets[pre_day - first]
            if bucket is None:
                bucket = buckets[pre_day - first] = []
            bucket.append(
                (
                    secs,
                    next(tie),
                    (
                        _DEC,
                        rid,
                        pre,
                        reasons_j,
                        "[]",
                        notes[int(random_() * len(notes))],
                        officer,
                        status,
                        ruling[0],
                        version,
                        inspector,
                        self._days[pre_day + 30 - self.base_ord] if pre == "refer" else None,
                        0,
                        ruling[2],
                        None,
                        None,
                    ),
                )
            )
            version += 1
            status = ruling[0]
            upd_day, upd_secs = pre_day, secs
            assignee = OFFICERS[officer]
            if status == "info_requested":
                paused_since = pre_day
            if target is not None:
                return status, version, paused_since, paused, assignee, upd_day, upd_secs
        if target is not None and target != "awaiting_countersign":
            return status, version, paused_since, paused, assignee, upd_day, upd_secs
        # The decision itself.
        conds_j, has_conds = "[]", False
        if outcome == "approve-with-conditions":
            conds_j = self._conditions(grant_codes, kind, rng)[0]
            has_conds = True
        if red:
            reasons = sorted(
                {RED_LINE_REASON[self.category[c]] for c in red if self.category[c] in RED_LINE_REASON}
                & self.reason_codes
            )
            if reasons:
                reasons_j = dumps(reasons)
            else:
                reasons_j, reasons = self.reason_options["deny"][0]
        else:
            options = self.reason_options.get(group or outcome) or self.reason_options["deny"]
            reasons_j, reasons = options[int(random_() * len(options))]
        ruling = self._rule(kind, status, red, cs_codes, caps, ci, outcome, bool(reasons), has_conds, override, False)
        if ruling is False:  # the plan broke a rule: the officer refuses instead
            outcome, conds_j, has_conds = "deny", "[]", False
            reasons_j, reasons = self.reason_options["deny"][int(random_() * len(self.reason_options["deny"]))]
            ruling = self._rule(kind, status, red, cs_codes, caps, ci, outcome, bool(reasons), False, False, False)
        after, needs_cs, why_j, overridden = ruling
        if target == "awaiting_countersign" and not needs_cs:
            return status, version, paused_since, paused, assignee, upd_day, upd_secs
        grant = (ci, grant_codes, tkey, conds_j) if grant_codes and outcome in lifecycle.APPROVALS else None
        secs = 43200 + int(random_() * 18000)
        if paused_since is not None:  # leaving info_requested ends the pause
            if final_day <= paused_since:
                final_day = paused_since + 1
                if final_day > self.last_day:
                    return status, version, paused_since, paused, assignee, upd_day, upd_secs
            paused += final_day - paused_since
            paused_since = None
        link = [None] if needs_cs else None
        notes = self.notes[outcome]
        bucket = buckets[final_day - first]
        if bucket is None:
            bucket = buckets[final_day - first] = []
        bucket.append(
            (
                secs,
                next(tie),
                (
                    _DEC,
                    rid,
                    outcome,
                    reasons_j,
                    conds_j,
                    notes[int(random_() * len(notes))],
                    officer,
                    status,
                    after,
                    version,
                    None,
                    None,
                    overridden,
                    why_j,
                    None if needs_cs else grant,
                    link,
                ),
            )
        )
        version += 1
        status = after
        upd_day, upd_secs = final_day, secs
        assignee = OFFICERS[officer]
        if grant is not None:
            for c in grant_codes:
                if c in self.holders:
                    self._hold(c, ci, final_day + self.validity[c])
        if not needs_cs or target == "awaiting_countersign":
            return status, version, paused_since, paused, assignee, upd_day, upd_secs
        # The countersign by a second officer, the same day or a few days later.
        cs_day = min(final_day + int(random_() * 4), self.last_day)
        if cs_day == final_day:
            cs_secs = min(secs + 600 + int(random_() * 3000), 86399)
        else:
            cs_secs = 32400 + int(random_() * 28800)
        second = (officer + 1 + int(random_() * 11)) % 12
        notes = self.notes["countersign"]
        final = lifecycle.OUTCOME_STATUS[outcome]
        bucket = buckets[cs_day - first]
        if bucket is None:
            bucket = buckets[cs_day - first] = []
        bucket.append(
            (
                cs_secs,
                next(tie),
                (
                    _CS,
                    rid,
                    "countersign",
                    "[]",
                    "[]",
                    notes[int(random_() * len(notes))],
                    second,
                    status,
                    final,
                    version,
                    None,
                    None,
                    0,
                    "[]",
                    grant,
                    link,
                ),
            )
        )
        return final, version + 1, None, paused, OFFICERS[officer], cs_day, cs_secs
