"""Decisions from the queue: one dialog, then the store's decision path for each target.

Every call passes expected_version = the version of the row the officer saw (marked rows keep
the row as it was when marked), so a request changed meanwhile is refused, not overwritten.
Refusals are shown as one message and change nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from permittui.errors import PermitError
from permittui.store.lookups import canned_conditions, reasons_for, recent_inspectors
from permittui.store.queue import QueueRow
from permittui.text import one_line

if TYPE_CHECKING:
    from permittui.tui.dialogs import DialogResult

# The dialogs and the decision write path are imported at the first decision, not on the way to
# the console's first frame (they pull in Textual's Input and the store's write path).


def _dialog(*a: Any, **kw: Any) -> Any:
    from permittui.tui.dialogs import DecisionDialog

    return DecisionDialog(*a, **kw)


def _decisions() -> Any:
    from permittui.store import decisions

    return decisions


LABELS = {
    "approve": "Approve",
    "approve-with-conditions": "Approve with conditions",
    "deny": "Deny",
    "refer": "Refer",
    "request-info": "Request information",
    "return": "Return without action",
}
OVERRIDE = "OVERRIDE"
SEND_BACK = "SEND-BACK"

TEMPLATES = {
    "approve": "Approved: findings reviewed; no outstanding concerns.",
    "approve-with-conditions": "Approved subject to the conditions attached{sel}.",
    "deny": "Denied{sel}.",
    "refer": "Referred to an inspector for advice{sel}.",
    "request-info": "Further information requested{sel}; the clock is paused until it arrives.",
    "return": "Returned without action{sel}.",
}


def note_template(outcome: str):
    def make(selected: list[str]) -> str:
        chosen = [s for s in selected if s not in (OVERRIDE, SEND_BACK)]
        return TEMPLATES[outcome].format(sel=f" ({', '.join(chosen)})" if chosen else "")

    return make


def targets_title(verb: str, rows: list[QueueRow]) -> Text:
    t = Text(end="")
    t.append(verb, style="bold")
    if len(rows) == 1:
        t.append(f" {one_line(rows[0].id)} — {one_line(rows[0].customer_name, 60)} (v{rows[0].version})")
    else:
        ids = ", ".join(one_line(r.id) for r in rows[:6]) + (" …" if len(rows) > 6 else "")
        t.append(f" {len(rows)} marked requests: {ids}", style="bold")
    return t


def approval_notice(store: Any, rows: list[QueueRow]) -> Text | None:
    """What the rules say of approving these, before the officer records it: refused (why), or
    waits for a second officer (why). None when every one would simply be approved."""
    from permittui.store.decisions import approval_preview

    lines: list[tuple[str, str]] = []
    for row in rows[:50]:
        result, why = approval_preview(store, row.id)
        if result == "refused":
            lines.append((f"{row.id}: refused: {why[0]}", "bold"))
        elif result == "countersign":
            lines.append((f"{row.id}: needs a second officer: {'; '.join(why)}", ""))
    if not lines:
        return None
    t = Text(end="")
    for text, style in lines[:4]:
        t.append(one_line(text, 300) + "\n", style=style or None)
    if len(lines) > 4:
        t.append(f"… and {len(lines) - 4} more")
    t.rstrip()
    return t


class Deciding:
    """Mixed into the Queue pane (which provides store, vlist, refresh_data)."""

    store: Any
    vlist: Any

    def _targets(self) -> list[QueueRow]:
        if self.vlist.marks:
            return list(self.vlist.marks.values())
        row = self.vlist.current
        return [row] if row is not None else []

    def _writable(self) -> bool:
        if self.store.read_only:
            self.app.notify("Read-only: this console can't change the database.", severity="warning", markup=False)
            return False
        return True

    def action_decide(self, outcome: str) -> None:
        if not self._writable():
            return
        rows = self._targets()
        if not rows:
            self.app.notify("No request under the cursor.", markup=False)
            return
        if outcome == "approve-with-conditions":
            items = canned_conditions(self.store)
        else:
            items = reasons_for(self.store, outcome)
        if outcome in ("approve", "approve-with-conditions"):
            items = items + [(OVERRIDE, "Override an allow-list cap or a suspended customer (needs a countersign)")]
        inspector = None
        if outcome == "refer":
            known = recent_inspectors(self.store)
            inspector = known[0] if known else ""
        notice = approval_notice(self.store, rows) if outcome in ("approve", "approve-with-conditions") else None
        dialog = _dialog(
            targets_title(LABELS[outcome], rows),
            items,
            note=note_template(outcome),
            inspector=inspector,
            notice=notice,
        )
        self.app.push_screen(dialog, lambda result: self._record(outcome, rows, result))

    def _record(self, outcome: str, rows: list[QueueRow], result: DialogResult | None) -> None:
        if result is None:
            return
        selected = [s for s in result.selected if s != OVERRIDE]
        kw: dict[str, Any] = {"note": result.note, "override": OVERRIDE in result.selected}
        if outcome == "approve-with-conditions":
            kw["conditions"] = selected
        else:
            kw["reasons"] = selected
        if outcome == "refer":
            kw["inspector"] = result.inspector
        done, refused = [], []
        for row in rows:
            try:
                done.append(_decisions().decide(self.store, row.id, outcome, expected_version=row.version, **kw))
            except PermitError as e:
                refused.append(str(e))
        self._after(rows, done, refused)

    def _after(self, rows: list[QueueRow], done: list[Any], refused: list[str]) -> None:
        for r in done:
            self.vlist.marks.pop(r.request_id, None)
        if done:
            msg = str(done[0]) if len(done) == 1 else f"{len(done)} decisions recorded"
            self.app.notify(one_line(msg), markup=False)
        for msg in refused[:5]:
            self.app.notify(one_line(msg), severity="error", markup=False, timeout=8)
        if len(refused) > 5:
            self.app.notify(f"... and {len(refused) - 5} more refused", severity="error", markup=False)
        if not done:
            return
        decided = {r.request_id for r in done}
        self.refresh_data()
        current = self.vlist.current
        if current is not None and current.id in decided:
            self.vlist.move_to(self.vlist.cursor + 1)  # still open (referred, info): go on to the next

    def action_countersign(self) -> None:
        if not self._writable():
            return
        rows = self._targets()
        if not rows:
            return
        items = [(SEND_BACK, "Send it back to the deciding officer instead (a note is required)")]
        dialog = _dialog(targets_title("Countersign", rows), items, note="Countersigned: findings checked.")
        self.app.push_screen(dialog, lambda result: self._countersign(rows, result))

    def _countersign(self, rows: list[QueueRow], result: DialogResult | None) -> None:
        if result is None:
            return
        done, refused = [], []
        for row in rows:
            try:
                done.append(
                    _decisions().countersign(
                        self.store, row.id, send_back=SEND_BACK in result.selected, note=result.note
                    )
                )
            except PermitError as e:
                refused.append(str(e))
        self._after(rows, done, refused)

    def action_undo(self) -> None:
        if not self._writable():
            return
        last = _decisions().last_decision_by(self.store, self.store.officer.name)
        if last is None:
            self.app.notify("You have no decision to undo.", markup=False)
            return
        request_id, decision_id = last
        title = Text(end="")
        title.append("Undo", style="bold")
        title.append(f" your decision #{decision_id} on {one_line(request_id)} (recorded as a reversal)")
        dialog = _dialog(title, [], note="Reversed: recorded in error.")
        self.app.push_screen(dialog, lambda result: self._undo(request_id, result))

    def _undo(self, request_id: str, result: DialogResult | None) -> None:
        if result is None:
            return
        try:
            done = _decisions().reverse(self.store, request_id, note=result.note)
        except PermitError as e:
            self.app.notify(one_line(str(e)), severity="error", markup=False, timeout=8)
            return
        self.app.notify(one_line(str(done)), markup=False)
        self.refresh_data()
        self.jump_to(request_id)
