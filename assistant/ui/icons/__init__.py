"""The UI's icons, shipped as SVG files (no icon font, no emoji, nothing fetched from outside): as files for
gr.Button(icon=...), served by the app, and inline in the desk's HTML, where they take the text's colour."""

from __future__ import annotations

import functools
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
INK = "#334155"  # the files' colour (a button shows them as images); inline they use currentColor instead


def file(name: str) -> str:
    """The icon's file, for gr.Button(icon=...); a name with no file is a ValueError that lists the icons."""
    path = FOLDER / f"{name}.svg"
    if not path.is_file():
        have = ", ".join(sorted(p.stem for p in FOLDER.glob("*.svg")))
        raise ValueError(f"no icon '{name}' in {FOLDER} (have: {have})")
    return str(path)


@functools.cache
def inline(name: str) -> str:
    """The icon as inline SVG markup, in the colour of the text around it, hidden from screen readers (the text
    beside it says what it means)."""
    markup = Path(file(name)).read_text(encoding="utf-8").strip().replace(INK, "currentColor")
    return markup.replace("<svg ", '<svg class="rp-svg" aria-hidden="true" focusable="false" ', 1).replace(
        'width="16" height="16"', 'width="14" height="14"', 1)
