"""The screenshot script drives the real console through its main states (so the README's images stay real), and
its PNGs show the text as the terminal does: a space between two words stays a blank cell, borders join."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import os
import re
from types import ModuleType

import pytest
from PIL import Image
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.helpers import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "screenshots.py"
# Rich's SVG export puts cell (col, row) at translate + (col × 12.2, row × 24.4): 20px characters with its
# font_aspect_ratio 0.61 and line height 1.22.
CELL_W, CELL_H = 20 * 0.61, 20 * 1.22
INK = 48  # a pixel this far (sum of |ΔR|+|ΔG|+|ΔB|) from the background is a glyph's


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshots_of_every_main_state(script, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", os.environ["PATH"])  # restored afterwards: the script puts the demo's pg_dump first
    saved = asyncio.run(script.shoot(tmp_path))
    assert [p.stem for p in saved] == ["overview", "pending-with-findings", "dry-run-log", "migrate-failure",
                                       "production-locked", "production-confirmation", "rehearsal", "pending-batch",
                                       "large-project"]
    texts = {p.stem: p.read_text().replace("&#160;", " ") for p in saved}  # SVG text uses no-break spaces
    assert "0003_billing_email" in texts["overview"]
    assert "drop-column" in texts["pending-with-findings"] or "add-column-required-no-default" in \
        texts["pending-with-findings"]
    assert "contains null values" in texts["migrate-failure"]
    # The demo's risky migration fails on the copy too, located, and the schema diff ran with a matching pg_dump.
    assert "rehearsal FAILED on the copy" in texts["rehearsal"] and "no schema difference" in texts["rehearsal"]
    assert "PRODUCTION" in texts["production-locked"]
    assert "Type the database name" in texts["production-confirmation"]
    # The pending batch at a glance (p) after the rehearsal: the touched tables with their locks.
    assert "Pending batch at a glance" in texts["pending-batch"] and "public.users" in texts["pending-batch"]
    # The large project: 300 long-tag migrations, the five pending ones on screen at 120×40.
    assert "300 migrations, 5 pending" in texts["large-project"]
    assert all(f"{i:04d}_" in texts["large-project"] for i in range(295, 300))
    pngs = script.to_png(saved)  # the README's PNGs, one per SVG, the terminal's width in pixels
    assert [(p.stem, Image.open(p).width) for p in pngs[-2:]] == [("pending-batch", 1629), ("large-project", 1482)]


class Words(App[None]):
    """Two bold words as the SQL pane highlights them (each its own run, the space between unstyled) in a box."""

    CSS = "Static { border: solid #57a5e2; width: 19; height: 6; }"

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("ALTER", "bold #57a5e2"), " ", ("TABLE", "bold #57a5e2")))


def cell_box(origin: tuple[int, int], col: int, row: int) -> tuple[int, int, int, int]:
    """The pixels of a cell, a pixel in from each side (antialiasing of the neighbours' edges)."""
    x, y = origin[0] + col * CELL_W, origin[1] + row * CELL_H
    return round(x) + 1, round(y + 2), round(x + CELL_W) - 1, round(y + CELL_H) - 1


def inked(image: Image.Image, box: tuple[int, int, int, int], background: tuple[int, int, int]) -> list[int]:
    """The x of every column in `box` with a glyph's pixel in it."""
    left, top, right, bottom = box
    return [x for x in range(left, right)
            if any(sum(abs(a - b) for a, b in zip(image.getpixel((x, y)), background, strict=True)) > INK
                   for y in range(top, bottom))]


async def test_a_png_keeps_the_space_between_two_words_and_joins_the_border(script):
    app = Words()
    async with app.run_test(size=(24, 8)):
        svg = app.export_screenshot(title="words")
    origin = tuple(int(float(n)) for n in re.search(r'translate\(([\d.]+), ([\d.]+)\)', svg).groups())
    image = Image.open(io.BytesIO(script.png_of(svg))).convert("RGB")
    background = image.getpixel(cell_box(origin, 15, 1)[:2])  # an empty cell inside the box
    # Row 1 inside the border (col 0): A L T E R at cols 1–5, the space at 6, T at 7.
    assert inked(image, cell_box(origin, 5, 1), background), "the R has ink"
    assert inked(image, cell_box(origin, 7, 1), background), "the T has ink"
    assert inked(image, cell_box(origin, 6, 1), background) == [], "the space between ALTER and TABLE is blank"
    # The left border "│" runs unbroken from the first content row to the last, as on a terminal.
    left, _, right, _ = cell_box(origin, 0, 2)
    stroke = inked(image, (left, round(origin[1] + 2.5 * CELL_H), right, round(origin[1] + 2.5 * CELL_H) + 1),
                   image.getpixel((right + 4, round(origin[1] + 2.5 * CELL_H))))
    assert stroke, "the border has a stroke"
    border_colour = image.getpixel((stroke[len(stroke) // 2], round(origin[1] + 2.5 * CELL_H)))
    column = [image.getpixel((stroke[len(stroke) // 2], y))
              for y in range(round(origin[1] + CELL_H), round(origin[1] + 5 * CELL_H))]
    assert all(sum(abs(a - b) for a, b in zip(p, border_colour, strict=True)) <= INK for p in column), \
        "the border has gaps between rows"
