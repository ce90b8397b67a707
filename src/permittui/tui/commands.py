"""The command palette: every registry action, and a jump to any request or customer.

Display strings of Hits are markup to Textual, so every prompt is built as Content from plain
text (database names included): `Acme [Holdings] Ltd` shows as itself and never hides the rest.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from permittui.store.lookups import find_customers, find_requests
from permittui.text import one_line
from permittui.tui.actions import ACTIONS, display_keys


class PermitCommands(Provider):
    def _actions(self):
        app = self.app
        keys = getattr(app, "keys", {})
        for a in ACTIONS:
            if a.palette:
                label = f"{a.description}  ({display_keys(keys.get(a.id, a.key))} · {a.id})"
                yield a, label

    async def discover(self) -> Hits:
        for a, label in self._actions():
            yield DiscoveryHit(Content(label), partial(self.app.run_registry_action, a.id), text=label)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for a, label in self._actions():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, Content(label), partial(self.app.run_registry_action, a.id), text=label)
        store = self.app.store
        q = query.strip()
        for rid, status, name in find_requests(store, q, 8):
            label = f"Go to request {one_line(rid)} — {one_line(name, 50)} ({status.replace('_', ' ')})"
            yield Hit(0.95, Content(label), partial(self.app.goto_request, rid), text=label)
        for cid, name in find_customers(store, q, 8):
            label = f"Requests of customer {one_line(name, 50)} ({one_line(cid)})"
            yield Hit(0.9, Content(label), partial(self.app.goto_customer, cid), text=label)
