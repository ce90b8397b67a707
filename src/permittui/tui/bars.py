"""The title line and the key line: one Static each, drawn from the app's title and the action
registry.

Textual's Header and Footer are trees of small widgets, and the Footer rebuilds its tree at
every change of focus: opening and closing the filter, switching panes and the first frame each
paid for a layout of the whole screen (10-20 ms). These two are one line of text each, redrawn
only when what they say changes.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widget import Widget

from permittui.text import one_line
from permittui.tui.actions import ACTIONS, display_keys


class _Line(Widget):
    """One line of our own text. Changing it repaints the line only: a Static's update() also
    lays the whole screen out again (a filter's first frame paid for that)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._text = Text()

    def show(self, text: Text) -> None:
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text


class TitleBar(_Line):
    """`app.title — app.sub_title`, centred; the sub-title is the pane's status line."""

    DEFAULT_CSS = """
    TitleBar { dock: top; width: 1fr; height: 1; background: $panel; color: $foreground;
               content-align: center middle; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._show)
        self.watch(self.app, "sub_title", self._show)

    def _show(self, _value: Any = None) -> None:
        text = Text(one_line(self.app.title), no_wrap=True, end="")
        if self.app.sub_title:
            text.append(" — ")
            text.append(one_line(self.app.sub_title), style="dim")
        self.show(text)


class KeyBar(_Line):
    """The keys worth showing (registry `show=True`) in the app's scope and the current pane's,
    with the officer's own keymap."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; width: 1fr; height: 1; background: $footer-background;
             color: $footer-description-foreground; text-wrap: nowrap; text-overflow: ellipsis; }
    KeyBar > .keybar--key { color: $footer-key-foreground; text-style: bold; }
    """
    COMPONENT_CLASSES = {"keybar--key"}

    def __init__(self, keys: dict[str, str], **kw: Any) -> None:
        super().__init__(**kw)
        self.keys = keys
        self.scope = ""

    def show_scope(self, scope: str) -> None:
        if scope == self.scope:
            return
        self.scope = scope
        key_style = self.get_component_rich_style("keybar--key")
        text = Text(no_wrap=True, end="")
        palette = None
        for a in ACTIONS:
            if a.scope not in ("app", scope) or not (a.show or a.id == "app.palette"):
                continue
            first = self.keys.get(a.id, a.key).split(",")[0]
            if not first.strip():
                continue
            if a.id == "app.palette":
                palette = (display_keys(first).replace("ctrl+", "^"), a.footer)
                continue
            text.append(" " + display_keys(first) + " ", style=key_style)
            text.append(a.footer or a.description)
            text.append(" ")
        if palette:
            text.append(" │", style="dim")
            text.append(f" {palette[0]} ", style=key_style)
            text.append(palette[1])
        self.show(text)

    def notify_style_update(self) -> None:
        # A new theme: draw the keys again in its colours.
        super().notify_style_update()
        scope, self.scope = self.scope, ""
        if scope:
            self.show_scope(scope)
