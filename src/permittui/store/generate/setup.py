"""The static part of a generated database: the rules precomputed, customers and screening."""

from __future__ import annotations

import json
import random
import re
from bisect import bisect_left
from json.encoder import encode_basestring as _jstr  # what json.dumps(ensure_ascii=False) uses
from pathlib import Path
from typing import Any

from permittui.domain import flags as F
from permittui.domain import metrics
from permittui.domain.models import Customer
from permittui.domain.rules.classify import compare
from permittui.paths import data_dir
from permittui.store import audit
from permittui.store.generate.helpers import _accumulate, _phrase_regex, _value_near
from permittui.store.generate.vocab import (
    CODE_FIT,
    CODE_WEIGHT,
    CORE_METRICS,
    COUNTRIES,
    CUSTOMERS_PER_REQUEST,
    MIN_CUSTOMERS,
    NOTES,
    ODD_UNITS,
    OFFICERS,
    PLACES,
    PROFILES,
    PROGRAMMES,
    REASONS,
    RED_LINE_CASES,
    RELEASE_END_USES,
    RELEASE_METRICS,
    STEMS,
    VAGUE_END_USES,
)
from permittui.store.rows import customer_row, dumps


class _SetupMixin:
    """Part of _Generator: the rules precomputed, customers and screening."""

    # ── the rules, precomputed ──
    def _load_rules(self) -> None:
        from permittui.store.derive import load_entries

        assert self.store is not None
        conn = self.store.conn
        self.entries = e = load_entries(conn)
        self.codes = list(e)
        self.code_idx = {c: i for i, c in enumerate(self.codes)}
        self.trigger = {c: x.trigger for c, x in e.items()}
        self.window = {c: x.review_window_days for c, x in e.items()}
        self.countersign = {c: x.countersign for c, x in e.items()}
        self.validity = {c: x.validity_days for c, x in e.items()}
        self.category = {c: x.category for c, x in e.items()}
        self.cap = {c: x.allow_list_cap for c, x in e.items() if x.allow_list_cap is not None}
        self.red_regex = _phrase_regex([p for x in e.values() for p in x.red_line_phrases])
        self.entry_regex = {c: _phrase_regex(list(x.red_line_phrases)) for c, x in e.items() if x.red_line_phrases}
        # A phrase can only match a text that contains its longest word: a cheap test first.
        self.red_words = sorted(
            {max(p.lower().split(), key=len) for x in e.values() for p in x.red_line_phrases if p.split()}
        )
        self.by_metric: dict[str, list] = {}
        for x in e.values():
            if x.threshold is not None and x.threshold.metric != "end_use_category":
                self.by_metric.setdefault(x.threshold.metric, []).append(x)
        reasons = conn.execute("SELECT code, applies_to FROM reasons ORDER BY code").fetchall()
        self.reason_codes = {r[0] for r in reasons}
        deny_any = [r[0] for r in reasons if not json.loads(r[1]) or "deny" in json.loads(r[1])]
        self.reason_options: dict[str, list[tuple[str, list[str]]]] = {}
        for group, options in REASONS.items():
            outcome = group.split("-")[0] if group.startswith(("deny", "approve-release")) else group
            outcome = "approve" if group == "approve-release" else outcome
            opts = []
            for option in options:
                codes = [c for c in option if c in self.reason_codes]
                if not codes and outcome == "deny" and deny_any:
                    codes = [deny_any[0]]
                opts.append((dumps(codes), codes))
            self.reason_options[group] = opts
        self.condition_text = dict(conn.execute("SELECT code, text FROM conditions").fetchall())
        self.schedule_version = self.store.meta("schedule_version")
        self.sv_j = "null" if self.schedule_version is None else _jstr(self.schedule_version)
        self.t_release = len(self.codes) * PROGRAMMES + len(VAGUE_END_USES) + len(RED_LINE_CASES) + 1
        self.access_codes = [c for c in CODE_WEIGHT if c in e]
        self._cum_access = _accumulate(CODE_WEIGHT[c] for c in self.access_codes)
        self.release_metrics = [m for m in RELEASE_METRICS if m in self.by_metric]
        self.core_metrics = [m for m in CORE_METRICS if m in self.by_metric]
        self._eval_tables()
        self._trig_cache: dict[tuple[str, ...], tuple] = {}
        self._ruling_cache: dict[tuple, Any] = {}
        self._condition_options()
        self._entries_json: dict[tuple[str, ...], str] = {}
        self._categories: dict[int, str] = {}  # text key -> the end-use category it declares
        self._jcache: dict[str, str] = {}
        self._mid_cache: dict[tuple, tuple[str, str]] = {}
        self._tail_cache: dict[tuple, tuple[str, str]] = {}
        self._esc_cache: dict[str, tuple[str, str]] = {}
        self.officer_j = [_jstr(o) for o in OFFICERS]
        self.notes = {k: [(v, _jstr(v)) for v in vs] for k, vs in NOTES.items()}
        self._text_cache: dict[int, tuple[str, str, bool]] = {}
        self._base_cache: dict[int, tuple[str, bool]] = {}
        self._checkpoint_cache: dict[int, list[tuple[str, bool]]] = {}
        self.plan_red = [self._has_red_word(t) for t in RELEASE_END_USES]
        self.combos = [self._combos(i) for i in range(len(self.codes))]

    def _trig_info(self, trig: tuple[str, ...]) -> tuple:
        """What a set of triggered entries means for the clock and the flags, once per distinct set:
        (window, prohibited, countersign codes, grant codes, capped codes, flag bits, open-age cuts)."""
        info = self._trig_cache.get(trig)
        if info is None:
            windows = [self.window[c] for c in trig if self.window[c] > 0]
            window = min(windows) if windows else 30
            prohibited = tuple(c for c in trig if self.trigger[c] == "prohibited")
            bits = (F.RED_LINE if prohibited else 0) | (F.COUNTERSIGN if any(self.countersign[c] for c in trig) else 0)
            info = self._trig_cache[trig] = (
                window,
                prohibited,
                tuple(c for c in trig if self.countersign[c] and self.trigger[c] != "prohibited"),
                [c for c in trig if self.trigger[c] != "prohibited"],
                [c for c in trig if c in self.cap],
                bits,
                (window * 0.3, window, window * 1.5, window * 4),
            )
        return info

    def _eval_tables(self) -> None:
        """Release evaluation results, precomputed: for each metric and mode (below, at, above its
        threshold) a few values with the JSON the request stores and the entries each crosses; then
        ready-made halves (the core metrics, the others) that a release combines."""
        rng = random.Random(self.seed ^ 0x5EED)
        items: dict[str, list[list[tuple[str, tuple[str, ...]]]]] = {}
        odd: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for metric in self.release_metrics:
            entries = self.by_metric[metric]
            numeric = [
                x
                for x in entries
                if isinstance(x.threshold.value, (int, float)) and not isinstance(x.threshold.value, bool)
            ]
            strict = min(numeric, key=lambda x: float(x.threshold.value)) if numeric else entries[0]
            modes = []
            for mode in ("below", "at", "above"):
                values = []
                for _ in range(10):
                    th = strict.threshold if mode == "below" else rng.choice(entries).threshold
                    values.append(_value_near(rng, th.value, th.operator, th.unit, mode))
                modes.append([self._eval_item(metric, v, None) for v in dict.fromkeys(values)])
            items[metric] = modes
            for m, unit, conv in ODD_UNITS:
                if m == metric:
                    th = strict.threshold
                    values = [
                        conv(_value_near(rng, th.value, th.operator, th.unit, mode))
                        for mode in ("below", "above")
                        for _ in range(4)
                    ]
                    odd[metric] = [self._eval_item(metric, v, unit) for v in dict.fromkeys(values)]
        extra = [m for m in self.release_metrics if m not in self.core_metrics]

        def half(metrics: list[str], pick: int, risk: float, odd_unit: bool) -> tuple[str, tuple[str, ...]]:
            chosen = metrics if pick >= len(metrics) else sorted(rng.sample(metrics, pick), key=metrics.index)
            parts, crossed = [], []
            odd_done = not odd_unit
            for metric in chosen:
                if not odd_done and metric in odd:
                    item = rng.choice(odd[metric])
                    odd_done = True
                else:
                    x = rng.random()
                    mode = 2 if x < risk else 1 if x < risk + 0.08 else 0
                    if metric == "autonomous_synthesis_cycle_completed_on_proxy" and rng.random() < 0.99:
                        mode = 0  # a lab completing a synthesis cycle is the rare red line
                    item = rng.choice(items[metric][mode])
                parts.append(item[0])
                crossed.extend(item[1])
            return ",".join(parts), tuple(crossed)

        risks = (0.03, 0.06, 0.12, 0.2)
        self.core_halves = [
            half(self.core_metrics, len(self.core_metrics), risks[k % 4], k % 12 == 5) for k in range(512)
        ]
        self.extra_halves = [half(extra, rng.randint(3, 6), risks[k % 4], k % 16 == 9) for k in range(2048)]
        # A release's evaluation file: core and other results, the entries they trigger, and the
        # pre-release entries the lab lists itself (all of them, none, or all but one).
        self.release_profiles = []
        for _ in range(4096):
            core, extra_half = rng.choice(self.core_halves), rng.choice(self.extra_halves)
            crossed = tuple(sorted(set(core[1] + extra_half[1])))
            listed = tuple(c for c in crossed if self.entries[c].trigger == "pre_release_review")
            tail = (
                f"crosses {', '.join(crossed[:4])}{' …' if len(crossed) > 4 else ''}"
                if crossed
                else "all reported evaluations below thresholds"
            )
            self.release_profiles.append(
                (
                    f"[{core[0]},{extra_half[0]}]" if extra_half[0] else f"[{core[0]}]",
                    crossed,
                    (listed, (), listed[:-1] if len(listed) > 1 else listed),
                    tail,
                    self._has_red_word(tail),
                )
            )

    def _eval_item(self, metric: str, value: Any, unit: str | None) -> tuple[str, tuple[str, ...]]:
        """One result as an import stores it: read against its metric (converted to the metric's
        unit, what was reported kept), and the entries it crosses."""
        definition = metrics.definition(self.by_metric[metric][0].threshold)
        read, reported = metrics.read(definition, value, unit)  # ODD_UNITS holds only what converts
        crossed = [x.code for x in self.by_metric[metric] if compare(read, x.threshold.operator, x.threshold.value)]
        item = {"metric": metric, "value": read, "unit": definition.unit if reported else unit}
        if reported:
            item["reported"] = reported
        return dumps(item), tuple(crossed)

    # ── customers and screening ──
    def _customers(self) -> None:
        rng = random.Random(self.seed ^ 0xC057)
        m = max(MIN_CUSTOMERS, int(self.n * CUSTOMERS_PER_REQUEST))
        width = max(5, len(str(m)))
        stems = list(STEMS)
        demo = data_dir() / "demo" / "customers.yaml"
        if demo.is_file():  # the demo's organisations lend the first words of their names
            try:
                import yaml

                for c in (yaml.safe_load(demo.read_text(encoding="utf-8")) or {}).get("customers", []):
                    word = str(c.get("name", "")).split(" ")[0].strip(",.")
                    if word.isalpha() and word[:1].isupper() and len(word) > 3 and word not in stems:
                        stems.append(word)
            except Exception:  # a broken demo file is not ours to report: our own lists suffice
                pass
        lookalikes = self._lookalikes(rng, max(3, m // 400))
        spread = max(1, m - len(PROFILES))
        lookalike_at = {len(PROFILES) + (j * spread) // max(1, len(lookalikes)) for j in range(len(lookalikes))}
        cum_profiles = _accumulate(p[2] for p in PROFILES)
        cum_countries = _accumulate(c[1] for c in COUNTRIES)
        names: set[str] = set()
        rows = []
        self.cust_ids: list[str] = []
        self.cust_tags: list[frozenset[str]] = []
        self.cust_vetting: list[str] = []
        self.cust_name: list[str] = []
        for i in range(m):
            # Every profile at least once (small databases too), then by weight.
            if i < len(PROFILES):
                profile = PROFILES[i]
            else:
                profile = PROFILES[bisect_left(cum_profiles, rng.random() * cum_profiles[-1])]
            sector, tags, _, style, words = profile
            country, _, forms = COUNTRIES[bisect_left(cum_countries, rng.random() * cum_countries[-1])]
            if i in lookalike_at and lookalikes:
                name, country = lookalikes.pop()
            else:
                name = self._company_name(rng, style, words, forms, stems)
                for _attempt in range(20):
                    if name not in names:
                        break
                    name = self._company_name(rng, style, words, forms, stems)
                else:
                    name = f"{name} ({country})"
            names.add(name)
            aliases: list[str] = []
            r = rng.random()
            if r < 0.15:
                initials = "".join(w[0] for w in name.split() if w[:1].isupper())
                if len(initials) >= 2:
                    aliases.append(initials)
            elif r < 0.22:
                aliases.append(f"{rng.choice(stems)} {words[0] if words else 'Research'} (former name)")
            v = rng.random()
            vetting = "vetted" if v < 0.80 else "provisional" if v < 0.95 else "suspended"
            rows.append(
                tuple(
                    customer_row(
                        Customer(f"CUST-{i + 1:0{width}d}", name, tuple(aliases), country, sector, vetting)
                    ).values()
                )
            )
            self.cust_ids.append(rows[-1][0])
            self.cust_tags.append(tags)
            self.cust_vetting.append(vetting)
            self.cust_name.append(name)
        with self.backdated.write() as conn:
            conn.executemany(
                "INSERT INTO customers (id, name, aliases, country, sector, vetting, name_key) VALUES (?,?,?,?,?,?,?)",
                rows,
            )
            self.backdated.audit(
                "import.customers", "customers.generated", {"file": "customers.generated", "added": m, "changed": 0}
            )
        self.counts["customers"] = m
        self.cust_index = {cid: i for i, cid in enumerate(self.cust_ids)}
        self.pools = {
            code: [i for i, t in enumerate(self.cust_tags) if t & fit] or list(range(m))
            for code, fit in CODE_FIT.items()
        }
        self.labs = [i for i, t in enumerate(self.cust_tags) if "lab" in t] or [0]
        self.by_tag: dict[str, list[int]] = {}
        for i, t in enumerate(self.cust_tags):
            for tag in sorted(t):
                self.by_tag.setdefault(tag, []).append(i)

    def _company_name(
        self, rng: random.Random, style: str, words: tuple[str, ...], forms: tuple[str, ...], stems: list[str]
    ) -> str:
        if style == "university":
            place = rng.choice(PLACES)
            return rng.choice(
                (
                    f"University of {place}",
                    f"{place} Institute of Technology",
                    f"Technische Universität {place}",
                    f"University of {place} – Centre for Secure Systems",
                )
            )
        if style == "agency":
            return f"{rng.choice(PLACES)} {rng.choice(words)}"
        if style == "institute":
            return f"{rng.choice(stems)} {rng.choice(words)}"
        return f"{rng.choice(stems)} {rng.choice(words)} {rng.choice(forms)}"

    def _screening_file(self) -> Path | None:
        path = data_dir() / "demo" / "screening.csv"
        return path if path.is_file() else None

    def _lookalikes(self, rng: random.Random, k: int) -> list[tuple[str, str]]:
        """Names resembling entries of the shipped screening list, so that screening has hits."""
        path = self._screening_file()
        if path is None:
            return []
        try:
            from permittui.formats import csl

            parties = [p for p in csl.read_list(path) if p.type.lower() in ("entity", "")]
        except Exception:
            return []
        out = []
        for p in rng.sample(parties, min(k, len(parties))):
            name = p.name.title() if p.name.isupper() else p.name
            name = name.replace("Co., Ltd.", "Company Limited").replace("Ltd.", "Limited").replace(" Inc.", ", Inc")
            country = p.countries[0] if p.countries and re.fullmatch(r"[A-Z]{2}", p.countries[0]) else "US"
            out.append((name, country))
        return out

    def _screening(self) -> None:
        assert self.store is not None
        conn = self.store.conn
        path = self._screening_file()
        if path is not None:
            from permittui.store.imports import import_screening

            import_screening(self.backdated, path)
        # By the time the history starts, officers have worked through some of the hits.
        rng = random.Random(self.seed ^ 0x5C4EE)
        hits = conn.execute("SELECT id, customer_id, entry_id FROM screening_hits ORDER BY id").fetchall()
        with self.backdated.write():
            for hit_id, customer, entry in hits:
                r = rng.random()
                outcome = "cleared" if r < 0.5 else "confirmed" if r < 0.65 else "escalated" if r < 0.75 else None
                if outcome is None:
                    continue
                reason = {
                    "cleared": "false positive: different registration number, address and directors",
                    "confirmed": "same registration number as the listed entity",
                    "escalated": "partial match on directors; asked the sanctions unit",
                }[outcome]
                at, who = self.backdated._clock(), rng.choice(OFFICERS)
                conn.execute(
                    "UPDATE screening_hits SET disposition = ?, reason = ?, officer = ?, at = ? WHERE id = ?",
                    (outcome, reason, who, at, hit_id),
                )
                audit.append(
                    conn,
                    at,
                    who,
                    self.os_account,
                    f"screening.{outcome}",
                    customer,
                    {"hit": hit_id, "entry": entry, "from": "open", "reason": reason},
                )
        m = len(self.cust_ids)
        self.cust_screen_open = [0] * m  # open + escalated: approvals wait for a countersign
        self.cust_screen_confirmed = [0] * m  # confirmed: approvals are refused
        for cid, disposition, count in conn.execute(
            "SELECT customer_id, disposition, COUNT(*) FROM screening_hits GROUP BY customer_id, disposition"
        ):
            i = self.cust_index[cid]
            if disposition in ("open", "escalated"):
                self.cust_screen_open[i] += count
            elif disposition == "confirmed":
                self.cust_screen_confirmed[i] += count
        # What the rules ask of a customer, as bits: 1 suspended, 2 screening hit open, 4 confirmed.
        self.cust_state = [
            (1 if self.cust_vetting[i] == "suspended" else 0)
            | (2 if self.cust_screen_open[i] else 0)
            | (4 if self.cust_screen_confirmed[i] else 0)
            for i in range(m)
        ]
        self.cust_bits = [
            (F.SCREENING if self.cust_screen_open[i] or self.cust_screen_confirmed[i] else 0)
            | (F.SUSPENDED_CUSTOMER if self.cust_vetting[i] == "suspended" else 0)
            for i in range(m)
        ]
