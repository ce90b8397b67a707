"""The decision dialog (also used for countersign, undo and grant changes) and the help screen.

Finished by keys alone: number keys toggle the items on the page ([ and ] turn pages), `n`
edits the note (prefilled from a template that follows the toggles until the officer types),
enter records, escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from permittui.text import clean
from permittui.tui.actions import ACTIONS, GROUPS, bindings, display_keys

PER_PAGE = 10


@dataclass
class DialogResult:
    selected: list[str] = field(default_factory=list)
    note: str = ""
    inspector: str | None = None


class Items(Static, can_focus=True):
    """The numbered items; focusable so number keys reach the dialog, not an input."""


class DecisionDialog(ModalScreen[DialogResult | None]):
    BINDINGS = bindings("dialog")
    AUTO_FOCUS = "#items"
    DEFAULT_CSS = """
    DecisionDialog { align: center middle; }
    DecisionDialog > #dialog { width: 90%; max-width: 110; height: auto; max-height: 95%;
                               border: thick $primary; background: $surface; padding: 0 1; }
    DecisionDialog #items { height: auto; max-height: 12; margin: 1 0 0 0; text-wrap: nowrap;
                            text-overflow: ellipsis; }
    DecisionDialog #title { text-wrap: nowrap; text-overflow: ellipsis; }
    DecisionDialog #notice { margin: 1 0 0 0; max-height: 6; }
    DecisionDialog #hint { color: $foreground 70%; margin: 1 0 0 0; }
    DecisionDialog Input { margin: 0; }
    DecisionDialog .label { margin: 1 0 0 0; }
    """

    def __init__(
        self,
        title: Text,
        items: list[tuple[str, str]],
        *,
        note: str | Callable[[list[str]], str] = "",
        note_label: str = "note",
        inspector: str | None = None,
        focus_note: bool = False,
        preselected: list[str] | None = None,
        notice: Text | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.notice = notice  # what the rules say of this decision before it is recorded
        self.items = items
        self.selected: list[str] = list(preselected or [])
        self.page_no = 0
        self.template = note if callable(note) else None
        self.note_label = note_label
        self.inspector = inspector
        self.focus_note = focus_note
        self._initial_note = note(self.selected) if callable(note) else note
        self._note_touched = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="title")
            if self.notice is not None:
                yield Static(self.notice, id="notice")
            yield Items(self._items_text(), id="items")
            yield Static(self._hint(), id="hint")
            yield Static(Text(self.note_label), classes="label")
            yield Input(self._initial_note, id="note")
            if self.inspector is not None:
                yield Static(Text("inspector referred to"), classes="label")
                yield Input(self.inspector, id="inspector")

    def on_mount(self) -> None:
        if self.focus_note:
            self.query_one("#note", Input).focus()

    # ── rendering ───────────────────────────────────────────────────────────────────────────
    def _page(self) -> list[tuple[str, str]]:
        return self.items[self.page_no * PER_PAGE : (self.page_no + 1) * PER_PAGE]

    def _pages(self) -> int:
        return max(1, -(-len(self.items) // PER_PAGE))

    def _items_text(self) -> Text:
        out = Text(end="", no_wrap=True, overflow="ellipsis")
        if not self.items:
            return out
        for n, (code, label) in enumerate(self._page()):
            on = code in self.selected
            out.append(f"{'[x]' if on else '[ ]'} {(n + 1) % 10} ", style="bold" if on else None)
            out.append(clean(code), style="bold" if on else None)
            out.append("  " + clean(label, keep_newlines=False) + "\n", style=None if on else "dim")
        if self._pages() > 1:
            out.append(f"page {self.page_no + 1}/{self._pages()}  ([ and ] turn pages)", style="italic")
        out.rstrip()
        return out

    def _hint(self) -> Text:
        parts = []
        if self.items:
            parts.append("1-9 0 toggle")
        parts += ["n edit note", "enter record", "esc cancel"]
        return Text("  ·  ".join(parts))

    def _redraw(self) -> None:
        self.query_one("#items", Items).update(self._items_text())

    # ── actions ─────────────────────────────────────────────────────────────────────────────
    def action_toggle(self, n: int) -> None:
        page = self._page()
        if not 0 <= n < len(page):
            return
        code = page[n][0]
        if code in self.selected:
            self.selected.remove(code)
        else:
            self.selected.append(code)
        self._redraw()
        if self.template and not self._note_touched:
            note = self.query_one("#note", Input)
            note.value = self.template(self.selected)

    def action_page(self, delta: int) -> None:
        self.page_no = (self.page_no + delta) % self._pages()
        self._redraw()

    def action_edit_note(self) -> None:
        self.query_one("#note", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "note" and event.input.has_focus:
            self._note_touched = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_record()

    def action_record(self) -> None:
        note = self.query_one("#note", Input).value
        inspector = self.query_one("#inspector", Input).value if self.inspector is not None else None
        self.dismiss(DialogResult(list(self.selected), note, inspector))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every action with its live key, generated from the registry and the keymap in force."""

    BINDINGS = bindings("help")
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    """

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(self.keys), id="help-text")


def help_text(keys: dict[str, str]) -> Text:
    out = Text(end="")
    out.append("permittui — keys (rebind by id in config.yaml: keymap: {id: key})\n", style="bold")
    for group in GROUPS:
        actions = [a for a in ACTIONS if a.group == group]
        if not actions:
            continue
        out.append(f"\n{group}\n", style="bold underline")
        for a in actions:
            out.append(f"  {display_keys(keys.get(a.id, a.key)):<14}", style="bold")
            out.append(f" {a.description}")
            out.append(f"  ({a.id})\n", style="dim")
    out.append(
        "\nFilter: status:pending,referred kind:release customer:acme cap:AI.C.1 due:<7d "
        "flag:redline !flag:cap and free text on id or customer name.\n"
    )
    out.append(
        "Flags: R red line · S screening hit · C cap reached · 2 needs a countersign · "
        "W waiting for countersign · "
        "X customer suspended · E grant expired.\n"
    )
    out.append("Sample regime for a hypothetical licensing scheme: not law.", style="italic")
    return out
