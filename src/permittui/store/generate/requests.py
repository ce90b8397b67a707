"""Planning requests for `permittui generate`: their texts (end uses, models, evaluations) and the
requests themselves, each with the decisions it will get."""

from __future__ import annotations

import itertools
import random
import time
from array import array
from bisect import bisect_left
from json.encoder import encode_basestring as _jstr  # what json.dumps(ensure_ascii=False) uses

from permittui.domain import flags as F
from permittui.store.generate.helpers import _mix
from permittui.store.generate.vocab import (
    CHECKPOINTS,
    CONDITIONS_BY_CATEGORY,
    MODEL_VARIANTS,
    NUMBERS,
    OFFICERS,
    OPEN_STATUSES,
    PROGRAMMES,
    PURPOSES,
    RED_LINE_CASES,
    REDLINE_FALSE_POSITIVE,
    RELEASE_CONDITIONS,
    RELEASE_END_USES,
    SAFEGUARDS,
    SCOPES,
    SECONDARY,
    SPAN_DAYS,
    VAGUE_END_USES,
    end_use_category,
)
from permittui.store.generate.writer import CHANGE_SQL, ENTRY_SQL, REQ_SQL
from permittui.store.rows import dumps


class _RequestsMixin:
    """Part of _Generator: texts and requests."""

    # ── texts ──
    def _access_text(self, code_i: int, combo: int) -> tuple[str, str, bool]:
        """(summary, end use, touches a red line) of point `combo` of an entry's mixed-radix space of
        purposes x scopes x numbers x safeguards; computed once per point."""
        key = code_i << 20 | combo
        hit = self._text_cache.get(key)
        if hit is None:
            code = self.codes[code_i]
            purposes = PURPOSES.get(code) or [(f"Access to {code}", f"Use of the capability under {code}.")]
            x, p = divmod(combo, len(purposes))
            x, sc = divmod(x, len(SCOPES))
            x, nu = divmod(x, len(NUMBERS))
            summary, text = purposes[p]
            text = f"{text} {SCOPES[sc].format(n=NUMBERS[nu])} {SAFEGUARDS[x % len(SAFEGUARDS)]}"
            hit = self._text_cache[key] = (summary, text, bool(self._red_codes(f"{text}\n{summary}".lower())))
        return hit

    def _combos(self, code_i: int) -> int:
        purposes = PURPOSES.get(self.codes[code_i]) or [None]
        return len(purposes) * len(SCOPES) * len(NUMBERS) * len(SAFEGUARDS)

    def _end_use(self, ci: int, tkey: int) -> tuple[str, str]:
        """(summary, end use) for a text key: an access programme, a vague text, a red line, or a release.
        Programme p of a customer on an entry is point (offset + p) of the entry's text space, the offset
        fixed per customer and entry: two programmes never share a text (grants are unique on it)."""
        ncodes = len(self.codes)
        if tkey < ncodes * PROGRAMMES:
            code_i, prog = divmod(tkey, PROGRAMMES)
            summary, text, _ = self._access_text(code_i, (_mix(self.seed, ci, code_i) + prog) % self.combos[code_i])
            return summary, text
        k = tkey - ncodes * PROGRAMMES
        if k < len(VAGUE_END_USES):
            return "End use not stated", VAGUE_END_USES[k]
        k -= len(VAGUE_END_USES)
        if k < len(RED_LINE_CASES):
            return RED_LINE_CASES[k][2], RED_LINE_CASES[k][3]
        k -= len(RED_LINE_CASES)
        if k == 0:
            return REDLINE_FALSE_POSITIVE
        # A release: the model (month of the period, variant, checkpoint) and the release plan: one
        # clearance per model and plan.
        model, plan = divmod(k - 1, len(RELEASE_END_USES))
        model, checkpoint = divmod(model, len(CHECKPOINTS))
        month, variant = divmod(model, len(MODEL_VARIANTS))
        base = self._model_base(ci, month, variant)
        return base, f"{base} ({self._checkpoints(month)[checkpoint][0]}): {RELEASE_END_USES[plan]}"

    def _has_red_word(self, text: str) -> bool:
        """Could the text hold a red-line phrase? (It must then hold the phrase's longest word; and
        since these words have no spaces or colons, one can't straddle two parts joined by those.)"""
        text = text.lower()
        return any(w in text for w in self.red_words)

    def _release_base(self, ci: int, month: int, variant: int) -> tuple[str, bool]:
        key = (ci * 64 + month) * 8 + variant
        hit = self._base_cache.get(key)
        if hit is None:
            base = self._model_base(ci, month, variant)
            hit = self._base_cache[key] = (base, self._has_red_word(base))
        return hit

    def _checkpoints(self, month: int) -> list[tuple[str, bool]]:
        """The checkpoint names of a month of the period, each with: has it a red-line word?"""
        hit = self._checkpoint_cache.get(month)
        if hit is None:
            ym = self.day(self.first_day + month * 30)[:7]
            names = [c.format(ym=ym) for c in CHECKPOINTS]
            hit = self._checkpoint_cache[month] = [(name, self._has_red_word(name)) for name in names]
        return hit

    def _red_codes(self, text: str) -> list[str]:
        """Entries whose red-line phrases the (lower-cased) text contains, as classify.red_lines finds them."""
        if self.red_regex is None or not any(w in text for w in self.red_words) or not self.red_regex.search(text):
            return []
        return [c for c, rx in self.entry_regex.items() if rx is not None and rx.search(text)]

    def _model_base(self, ci: int, month: int, variant: int) -> str:
        """Labs ship a new minor version every month or so and a new generation twice a year."""
        stem = self.cust_name[ci].split(" ")[0].strip(",.")
        return f"{stem}-{2 + month // 6}.{month % 6}{MODEL_VARIANTS[variant]}"

    def _condition_options(self) -> None:
        """The canned conditions an approval with conditions sets, per category: one or two of the
        category's usual ones, sometimes one more; precomputed as (JSON, texts)."""

        def option(codes: list[str]) -> tuple[str, list[str]]:
            conds = [
                {"code": c, "text": self.condition_text[c]} for c in dict.fromkeys(codes) if c in self.condition_text
            ]
            conds = conds or [{"code": None, "text": "As agreed with the authority."}]
            return dumps(conds), [c["text"] for c in conds]

        extras = ["NO-ONWARD-TRANSFER", "END-USE-CERT-ANNUAL", "QUARTERLY-REPORTING"]
        self.condition_options: dict[str, list[tuple[str, list[str]]]] = {}
        for category, usual in CONDITIONS_BY_CATEGORY.items():
            opts = []
            for r in range(len(usual)):
                for k in (1, 1, 2):
                    chosen = [usual[(r + i) % len(usual)] for i in range(k)]
                    opts.append(option(chosen))
                    opts += [option(chosen + [e]) for e in extras[: 1 + r % 2]] if k == 2 else []
            self.condition_options[category] = opts
        self.condition_options["release"] = [
            option(RELEASE_CONDITIONS[:1]),
            option(RELEASE_CONDITIONS[:2]),
            option(RELEASE_CONDITIONS[2:]),
            option(RELEASE_CONDITIONS[:2]),
        ]
        self.condition_options[""] = [option(["NAMED-USERS-ONLY"])]

    def _conditions(self, codes: list[str], kind: str, rng: random.Random) -> tuple[str, list[str]]:
        opts = (
            self.condition_options.get(
                "release" if kind == "release" else self.category.get(codes[0], "") if codes else ""
            )
            or self.condition_options[""]
        )
        return opts[int(rng.random() * len(opts))]

    def _j(self, text: str) -> str:
        """JSON string of a text that recurs (reasons and conditions lists, inspectors)."""
        j = self._jcache.get(text)
        if j is None:
            j = self._jcache[text] = _jstr(text)
        return j

    # ── requests ──
    def _requests(self) -> None:
        assert self.sink is not None
        rng, n, sink = self.rng, self.n, self.sink
        self.buckets: list[list[tuple] | None] = [None] * (SPAN_DAYS + 2)
        self.tie = itertools.count()
        self.next_decision = 1
        self.rows_planned = 0
        self.open_count = 0
        self.renewal_rows, self.renewal_pairs = array("q"), array("q")
        self.capped_codes = sorted(self.cap)
        self.cap_rows, self.cap_masks, self.cap_predicted = array("q"), array("q"), array("b")
        assert self.side is not None
        self.req_rows: list[tuple] = []
        self.entry_rows = sink.rows("request_entries", ENTRY_SQL)
        self.change_rows = sink.rows("grant_changes", CHANGE_SQL)
        width = max(5, len(str(n)))
        flushed_to = self.first_day - 1
        self.progress.start = time.monotonic()  # the rate counts requests, not the setup before them
        for i in range(n):
            day = self.first_day + (i * SPAN_DAYS) // n
            if day > flushed_to + 1:
                for d in range(flushed_to + 1, day):
                    self._flush_day(d)
                flushed_to = day - 1
            self._request(f"REQ-{self._days[day - self.base_ord][:4]}-{i + 1:0{width}d}", day, rng)
            if i & 1023 == 1023:
                self._flush_side()
                if sink.pending() >= sink.FLUSH_ROWS:
                    sink.flush()
                self.progress.update(i + 1)
        for d in range(flushed_to + 1, self.last_day + 1):
            self._flush_day(d)
        self._flush_side()
        sink.flush()
        self.counts["open"] = self.open_count
        self.progress.update(n, force=True)

    def _flush_side(self) -> None:
        assert self.side is not None
        if self.req_rows:
            self.side.db.executemany(REQ_SQL, self.req_rows)
            self.req_rows.clear()

    def _pick_renewal(self, day: int, rng: random.Random) -> int | None:
        """A grant expiring soon (or lately lapsed) whose holder has not yet applied to renew it."""
        for _ in range(12):
            gids = self.expiring.get((day - 45 + int(rng.random() * 166)) // 7)
            if gids:
                gid = gids[int(rng.random() * len(gids))]
                exp = self.g_expires[gid]
                if exp - 120 <= day <= exp + 45 and self.renewing.get(gid, -1) < day:
                    self.renewing[gid] = day + 120  # one renewal application per grant and term
                    return gid
        return None

    def _category(self, kind: str, tkey: int, end_use: str, entries: tuple[str, ...]) -> str | None:
        """The end-use category an access request declares, once per text (tkey)."""
        if kind != "access":
            return None
        found = self._categories.get(tkey)
        if found is None:
            found = self._categories[tkey] = end_use_category(
                end_use, self.category.get(entries[0]) if entries else None
            )
        return found

    def _request(self, rid: str, day: int, rng: random.Random) -> None:
        """One request: its content, what the rules make of it, its decisions (planned into the day
        buckets) and its row as of today."""
        random_ = rng.random
        ncodes = len(self.codes)
        r = random_()
        kind = "access" if r < 0.5 else "release" if r < 0.8 else "renewal"  # some renewals find no grant due
        model = None
        evaluations = "[]"
        red_text = None  # None: not known yet
        gid = self._pick_renewal(day, rng) if kind == "renewal" else None
        if kind == "renewal" and gid is None:
            kind = "access"
        if gid is not None:
            ci, code, tkey = self.g_cust[gid], self.codes[self.g_code[gid]], self.g_tkey[gid]
            exp = self.g_expires[gid]
            self.renewal_rows.append(self.rows_planned + 1)  # its rowid: requests go in in order
            self.renewal_pairs.append(ci * 64 + self.code_idx[code])
            entries: tuple[str, ...] = (code,)
            end_use = self._end_use(ci, tkey)[1]
            summary = f"Renewal of {code} grant ({'lapsed' if exp < day else 'expires'} {self.day(exp)})"
        elif kind == "release":
            ci = self.labs[int(random_() * len(self.labs))]
            month = (day - self.first_day) // 30
            variant, plan = int(random_() * len(MODEL_VARIANTS)), int(random_() * len(RELEASE_END_USES))
            checkpoint = int(random_() * len(CHECKPOINTS))
            tkey = (
                self.t_release
                + plan
                + len(RELEASE_END_USES) * (checkpoint + len(CHECKPOINTS) * (month * len(MODEL_VARIANTS) + variant))
            )
            base, base_red = self._release_base(ci, month, variant)
            checkpoint_name, checkpoint_red = self._checkpoints(month)[checkpoint]
            model = f"{base} ({checkpoint_name})"
            end_use = f"{model}: {RELEASE_END_USES[plan]}"
            evaluations, trig, listed, tail, tail_red = self.release_profiles[int(random_() * 4096)]
            x = random_()  # the lab lists the pre-release entries it thinks it crosses: usually right
            entries = listed[0 if x >= 0.35 else 1 if x < 0.15 else 2]
            summary = f"{base}: {tail}"
            if not (base_red or checkpoint_red or tail_red or self.plan_red[plan]):
                red_text = False  # no part of the texts has a red-line word in it
        else:
            r = random_()
            if r < 0.004:
                k = int(random_() * len(RED_LINE_CASES))
                code, tags, summary, end_use = RED_LINE_CASES[k]
                pool = [c for t in sorted(tags) for c in self.by_tag.get(t, ())] or [0]
                ci = pool[int(random_() * len(pool))]
                entries = (code,) if code in self.entries else (self.access_codes[0],)
                tkey = ncodes * PROGRAMMES + len(VAGUE_END_USES) + k
            else:
                code = self.access_codes[bisect_left(self._cum_access, random_() * self._cum_access[-1])]
                pool = self.pools[code]
                ci = pool[int(random_() * len(pool))]
                second = SECONDARY.get(code)
                entries = (code, second) if second in self.entries and random_() < 0.2 else (code,)
                if r < 0.044:
                    k = int(random_() * len(VAGUE_END_USES))
                    tkey = ncodes * PROGRAMMES + k
                    summary, end_use = "End use not stated", VAGUE_END_USES[k]
                elif r < 0.047 and code == "AI.S.1.a":
                    tkey = self.t_release - 1
                    summary, end_use = REDLINE_FALSE_POSITIVE
                else:
                    # A new programme, mostly: customers seldom apply again for what they still hold.
                    code_i = self.code_idx[code]
                    offset = _mix(self.seed, ci, code_i)
                    key = (ci * 64 + code_i) * 65536 + code_i * PROGRAMMES
                    for _ in range(4):
                        prog = int(random_() * PROGRAMMES)
                        held = self.grant_by_key.get(key + prog)
                        if held is None or self.g_expires[held] < day + 60:
                            break
                    tkey = code_i * PROGRAMMES + prog
                    summary, end_use, red_text = self._access_text(code_i, (offset + prog) % self.combos[code_i])

        # What the rules make of it: queue_state on precomputed tables.
        if kind != "release":
            trig = entries if len(entries) < 2 else tuple(sorted(set(entries)))
        window, red, cs_codes, grant_codes, capped, bits, cuts = self._trig_info(trig)
        if red_text is None or red_text:
            extra_red = self._red_codes(f"{end_use}\n{summary}".lower())
            if extra_red:
                red = tuple(sorted(set(red).union(extra_red)))
                bits |= F.RED_LINE
        bits |= self.cust_bits[ci]
        caps = []
        if capped:
            mask = 0
            predicted = 0
            for c in capped:
                mask |= 1 << self.capped_codes.index(c)
                if self._cap_full(c, day):
                    predicted = 1
                    if self.holders[c].get(ci, -1) < day:
                        caps.append(c)  # full, and the customer does not hold it
            self.cap_rows.append(self.rows_planned + 1)
            self.cap_masks.append(mask)
            self.cap_predicted.append(predicted)
            if predicted:
                bits |= F.CAP
        reg = day + 1 if day < self.last_day and random_() < 0.08 else day
        if red:
            priority = 3  # urgent
        else:
            x = random_()
            priority = 0 if x < 0.14 else 1 if x < 0.76 else 2 if x < 0.95 else 3

        status, version, paused_since, paused, assignee, upd_day, upd_secs = self._decide(
            rid,
            kind,
            ci,
            red,
            cs_codes,
            grant_codes,
            tuple(caps),
            reg,
            window,
            cuts,
            tkey,
            rng,
            summary == "End use not stated",
        )
        if status in OPEN_STATUSES:
            self.open_count += 1
            if assignee is None and random_() < 0.7:
                assignee = OFFICERS[int(random_() * len(OFFICERS))]
        entries_j = self._entries_json.get(entries)
        if entries_j is None:
            entries_j = self._entries_json[entries] = dumps(list(entries))
        days, base = self._days, self.base_ord
        self.req_rows.append(
            (
                rid,
                kind,
                self.cust_ids[ci],
                entries_j,
                end_use,
                model,
                evaluations,
                summary,
                days[day - base],
                days[reg - base],
                status,
                assignee,
                priority,
                version,
                days[reg + window + paused - base],
                bits,
                None if paused_since is None else days[paused_since - base],
                paused,
                days[upd_day - base] + self._times[upd_secs],
                self._category(kind, tkey, end_use, entries),
            )
        )
        for c in entries:
            self.entry_rows.append((rid, c))
        self.rows_planned += 1
