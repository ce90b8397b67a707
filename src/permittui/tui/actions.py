"""The one registry of console actions: id, default key, description, group, scope.

It feeds the Bindings of every widget (each Binding carries the action id, so users can rebind
it by id in config.yaml), the help screen, the command palette and the docs. Scopes say where a
key is live: `app` everywhere, `list` in any list, `queue`/`allowlists`/`history` in that pane,
`dialog` inside the decision dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Action:
    id: str
    key: str  # default key(s), comma-separated, Textual key names
    action: str  # the Textual action run on the node that owns the binding
    description: str
    group: str
    scope: str
    show: bool = False  # in the footer
    palette: bool = True
    footer: str = ""  # short label for the footer (default: the description)


def _a(
    id: str,
    key: str,
    action: str,
    description: str,
    group: str,
    scope: str,
    show: bool = False,
    palette: bool = True,
    footer: str = "",
) -> Action:
    return Action(id, key, action, description, group, scope, show, palette, footer)


ACTIONS: tuple[Action, ...] = (
    # panes and the app
    _a("pane.queue", "1", "app.pane('queue')", "Queue: pending requests", "Panes", "app", True, footer="panes 1-4"),
    _a("pane.schedule", "2", "app.pane('schedule')", "Schedule: entries by category", "Panes", "app"),
    _a("pane.allowlists", "3", "app.pane('allowlists')", "Allow-lists: grants, caps, expiry", "Panes", "app"),
    _a("pane.history", "4", "app.pane('history')", "History: decisions and audit", "Panes", "app"),
    _a(
        "app.filter",
        "slash",
        "app.filter",
        "Filter the list (status: kind: customer: cap: due: flag:)",
        "Find",
        "app",
        True,
        footer="filter",
    ),
    _a("app.clear", "escape", "app.clear", "Close, or clear the filter and marks", "Find", "app"),
    _a("app.help", "question_mark", "app.help", "Help: every key", "App", "app", True, footer="help"),
    _a(
        "app.palette",
        "ctrl+p",
        "app.command_palette",
        "Command palette: actions, requests, customers",
        "App",
        "app",
        palette=False,
        footer="palette",
    ),
    _a("app.quit", "q", "app.quit", "Quit", "App", "app", True, footer="quit"),
    # moving in any list
    _a("move.down", "j,down", "cursor_down", "Next row", "Move", "list", palette=False),
    _a("move.up", "k,up", "cursor_up", "Previous row", "Move", "list", palette=False),
    _a("move.top", "g,home", "cursor_top", "First row", "Move", "list"),
    _a("move.bottom", "G,end", "cursor_bottom", "Last row", "Move", "list"),
    _a("move.page_down", "pagedown", "page_down", "Page down", "Move", "list", palette=False),
    _a("move.page_up", "pageup", "page_up", "Page up", "Move", "list", palette=False),
    _a("move.open", "enter", "open", "Open / focus detail", "Move", "list", palette=False),
    _a("list.mark", "space", "mark", "Mark; decision keys then apply to all marked", "Move", "list"),
    # decisions (queue)
    _a("decide.approve", "a", "decide('approve')", "Approve", "Decide", "queue", True, footer="approve"),
    _a("decide.conditions", "c", "decide('approve-with-conditions')", "Approve with conditions", "Decide", "queue"),
    _a("decide.deny", "d", "decide('deny')", "Deny", "Decide", "queue", True, footer="deny"),
    _a("decide.refer", "r", "decide('refer')", "Refer to an inspector", "Decide", "queue"),
    _a("decide.info", "i", "decide('request-info')", "Request information", "Decide", "queue"),
    _a("decide.return", "w", "decide('return')", "Return without action", "Decide", "queue"),
    _a("decide.countersign", "s", "countersign", "Countersign (or send back)", "Decide", "queue"),
    _a("decide.undo", "u", "undo", "Undo my last decision (a reversal)", "Decide", "queue"),
    # allow-lists
    _a(
        "grant.suspend",
        "p",
        "grant('suspend')",
        "Suspend the grant (with a reason)",
        "Allow-lists",
        "allowlists",
        True,
        footer="suspend",
    ),
    _a(
        "grant.revoke",
        "x",
        "grant('revoke')",
        "Revoke the grant (with a reason)",
        "Allow-lists",
        "allowlists",
        True,
        footer="revoke",
    ),
    _a("grant.reinstate", "e", "grant('reinstate')", "Reinstate a suspended grant", "Allow-lists", "allowlists"),
    _a("grant.by_customer", "b", "by_customer", "Grants of this customer", "Allow-lists", "allowlists"),
    _a("grant.by_entry", "n", "by_entry", "Grants on this entry", "Allow-lists", "allowlists"),
    # history
    _a(
        "history.toggle",
        "t",
        "toggle",
        "Switch between decisions and the audit chain",
        "History",
        "history",
        True,
        footer="decisions/audit",
    ),
    _a("history.verify", "v", "verify", "Verify the audit chain again", "History", "history"),
    # the decision dialog
    _a(
        "dialog.record",
        "enter",
        "record",
        "Record the decision",
        "Dialog",
        "dialog",
        True,
        palette=False,
        footer="record",
    ),
    _a("dialog.cancel", "escape", "cancel", "Cancel", "Dialog", "dialog", True, palette=False, footer="cancel"),
    _a(
        "dialog.note",
        "n",
        "edit_note",
        "Edit the note (and inspector)",
        "Dialog",
        "dialog",
        True,
        palette=False,
        footer="note",
    ),
    _a(
        "dialog.next_page",
        "right_square_bracket,pagedown",
        "page(1)",
        "More reason codes / conditions",
        "Dialog",
        "dialog",
        palette=False,
    ),
    _a(
        "dialog.prev_page",
        "left_square_bracket,pageup",
        "page(-1)",
        "Previous reason codes / conditions",
        "Dialog",
        "dialog",
        palette=False,
    ),
    _a("help.close", "escape,q,question_mark", "app.pop_screen", "Close help", "App", "help", palette=False),
    *(
        _a(
            f"dialog.toggle_{n}",
            str(n),
            f"toggle({(n - 1) % 10})",
            f"Toggle item {n} on this page",
            "Dialog",
            "dialog",
            palette=False,
        )
        for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)
    ),
)

BY_ID = {a.id: a for a in ACTIONS}
GROUPS = ("Panes", "Move", "Decide", "Find", "Allow-lists", "History", "Dialog", "App")
# Scopes live together: a key may not mean two things where both scopes are active.
ACTIVE_TOGETHER = (
    ("app", "list", "queue"),
    ("app", "list", "allowlists"),
    ("app", "list", "history"),
    ("dialog",),
    ("help",),
)


def bindings(scope: str) -> list[Binding]:
    """The Bindings of one scope, each with its action id (so a keymap can move it)."""
    return [
        Binding(
            a.key,
            a.action,
            a.footer or a.description,
            show=a.show,
            id=a.id,
            tooltip=a.description,
            priority=a.id == "app.palette",
        )
        for a in ACTIONS
        if a.scope == scope
    ]


def effective_keys(keymap: dict[str, str]) -> dict[str, str]:
    """Action id -> key(s) after the user's overrides."""
    return {a.id: keymap.get(a.id, a.key) for a in ACTIONS}


def conflicts(keymap: dict[str, str]) -> list[str]:
    """One message per key bound to two actions in scopes that are active together."""
    keys = effective_keys(keymap)
    found: list[str] = []
    for scopes in ACTIVE_TOGETHER:
        owner: dict[str, str] = {}
        for a in ACTIONS:
            if a.scope not in scopes:
                continue
            for k in (k.strip() for k in keys[a.id].split(",") if k.strip()):
                k = normalise_key(k)
                if k in owner and owner[k] != a.id:
                    msg = f"key {k!r} is bound to both {owner[k]} and {a.id}"
                    if msg not in found:
                        found.append(msg)
                else:
                    owner[k] = a.id
    return found


_KEY_NAMES = {
    "/": "slash",
    "?": "question_mark",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    " ": "space",
    "esc": "escape",
    "return": "enter",
}


def normalise_key(key: str) -> str:
    return _KEY_NAMES.get(key, key)


_DISPLAY = {
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "space",
    "escape": "esc",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def display_keys(keys: str) -> str:
    return " ".join(_DISPLAY.get(k.strip(), k.strip()) for k in keys.split(",") if k.strip())
