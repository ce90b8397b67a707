"""A list's line as one strip: the row's pieces of text over the list's style, the cursor's style
over both, and the position bar in the last cell."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

# A row as pieces of text, each with its style (None: the list's own). A renderer cuts or pads
# its cells with safe.fit, so a piece's width is its length when it is ASCII: no Text to build
# and render again for every line of every page.
Piece = tuple[str, "Style | None"]
BOLD = Style(bold=True)


def line_strip(pieces: list[Piece], width: int, base: Style, over: Style | None, thumb: Style | None) -> Strip:
    """The pieces as one strip of exactly `width` cells, its last cell the position bar (`thumb`
    set: the bar's thumb is on this line).

    The widget's style lies under the text's and the cursor's (`over`) over both (under them, the
    widget's background hid the cursor's: only its bold showed), and runs of one style are
    merged: one escape sequence each, over SSH."""
    segments: list[Segment] = []
    used = 0
    room = width - 1
    for t, style in pieces:
        n = len(t) if t.isascii() else cell_len(t)
        if used + n > room:
            t = set_cell_size(t, room - used)
            n = room - used
        if not n:
            continue
        st = base + style if style else base
        if over is not None:
            st = st + over
        if segments and segments[-1].style == st:
            segments[-1] = Segment(segments[-1].text + t, st)
        else:
            segments.append(Segment(t, st))
        used += n
        if used >= room:
            break
    if used < room:
        pad = base if over is None else base + over
        if segments and segments[-1].style == pad:
            segments[-1] = Segment(segments[-1].text + " " * (room - used), pad)
        else:
            segments.append(Segment(" " * (room - used), pad))
    if room >= 0:
        segments.append(Segment("▐", thumb) if thumb is not None else Segment(" ", base))
    return Strip(segments, max(0, width))
