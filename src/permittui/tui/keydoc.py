"""The console's key reference, generated from the action registry (docs/keys.md).

    python -m permittui.tui.keydoc > docs/keys.md

A test fails when the committed page differs from what the registry generates.
"""

from __future__ import annotations

from permittui.tui.actions import ACTIONS, GROUPS, display_keys


def render() -> str:
    lines = [
        "# permittui console keys",
        "",
        "Generated from the action registry (`src/permittui/tui/actions.py`) by",
        "`python -m permittui.tui.keydoc`; do not edit by hand. Rebind any key by its id in",
        "`config.yaml` in the user config directory, for example:",
        "",
        "```yaml",
        "keymap:",
        "  decide.deny: x",
        "  move.down: j,down,ctrl+n",
        "```",
        "",
    ]
    for group in GROUPS:
        rows = [a for a in ACTIONS if a.group == group]
        if not rows:
            continue
        lines += [f"## {group}", "", "| key | action | id | where |", "|---|---|---|---|"]
        for a in rows:
            keys = display_keys(a.key).replace("|", "\\|")
            lines.append(f"| `{keys}` | {a.description} | `{a.id}` | {a.scope} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
