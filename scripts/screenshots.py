"""Drive the real console headless through its main states and save SVG and PNG screenshots in screenshots/.

    python scripts/screenshots.py [--out screenshots]

Uses the demo project and a generated 300-migration project on an embedded PostgreSQL, so it needs no account and
no network. Exit codes: 0 written; 3 the SVGs are written but not the PNGs (resvg-py or the DejaVu fonts missing,
said in one line).

The PNGs are rendered from the very SVGs by resvg (resvg-py), which honours each text run's x and textLength. The
earlier cairosvg step lost the spaces: Rich writes every differently styled run as its own <text> placed on its
cells and leaves whitespace-only runs out (the space between `ALTER` and `TABLE` is only a gap in x); cairosvg
takes the first family of "Fira Code, monospace", which is not installed, so fontconfig gives it the proportional
DejaVu Sans, and it ignores textLength, so each bold word ran wider than its cells and over the gap.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from psycopg import sql

# Run as `python scripts/screenshots.py`, the repository root is not on sys.path: the large project comes from the
# test factories (tests.factories, the one generator of a real project's shape), settle from tests.helpers.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from neontui.cli.demo import use_tools_of  # noqa: E402
from neontui.core.actions.demo import create_demo  # noqa: E402
from neontui.core.db.connect import connect  # noqa: E402
from neontui.core.db.url import with_database  # noqa: E402
from neontui.tui.app import NeontuiApp, Options  # noqa: E402
from tests.factories import long_tag_project  # noqa: E402
from tests.helpers import settle  # noqa: E402

SIZE = (132, 40)
LARGE_SIZE = (120, 40)  # a real project at a common terminal size (issue 14)
LARGE_DATABASE = "neontui_large"
# The SVG is Rich's export (font-size 20px, rows 24.4px apart). DejaVu Sans Mono's box-drawing glyphs span 1.164 em,
# so at 21px a "│" fills its 24.4px row and the borders join as on a terminal; textLength keeps every run on its
# cells whatever the font size. The per-row clip paths would cut the taller glyphs back, hence dropped.
MATRIX_FONT = (re.compile(r"(-matrix \{[^}]*font-size: )20px"), r"\g<1>21px")
ROW_CLIP = re.compile(r' clip-path="url\(#[^)]*-line-\d+\)"')
FONTS = ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

Save = Callable[[NeontuiApp, str], None]


class RenderError(Exception):
    """The PNGs cannot be rendered here (one line for the user)."""


async def shoot(out: Path) -> list[Path]:
    home = Path(tempfile.mkdtemp(prefix="neontui-shots-"))
    os.environ["XDG_STATE_HOME"] = str(home / "state")
    demo = create_demo(home / "demo")
    use_tools_of(demo.server.bin_dir)  # as `neontui demo` does: the rehearsal's schema diff needs a matching pg_dump
    with connect(demo.database_url) as conn:  # the planner's row estimates (the batch view shows them): a database
        conn.execute("ANALYZE")  # in use has them from autovacuum, the freshly seeded demo not yet
    saved: list[Path] = []

    def save(app: NeontuiApp, name: str) -> None:
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"neontui — {name.replace('-', ' ')}"))
        saved.append(path)

    await shoot_demo(demo.project_dir, save)
    await shoot_large(home / "large", with_database(demo.server.url, LARGE_DATABASE), demo.server.url, save)
    return saved


async def shoot_demo(project_dir: Path, save: Save) -> None:
    """The 4-migration sample through its main states: findings, dry run, a failed migrate, production's gate."""
    app = NeontuiApp(Options(project_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        save(app, "overview")
        app.query_one("#sql").focus()
        await pilot.press("n")
        await pilot.pause()
        save(app, "pending-with-findings")
        await pilot.press("d")
        await settle(app, pilot)
        save(app, "dry-run-log")
        await pilot.press("escape")
        await pilot.press("m")
        await settle(app, pilot)
        save(app, "migrate-failure")
    app = NeontuiApp(Options(project_dir, env="production"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        save(app, "production-locked")
        for item in app.gate.checklist.items:
            if item.can_check:
                app.gate.checklist.check(item.id)
        app._show_checklist()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"neontui_")
        await pilot.pause()
        save(app, "production-confirmation")
    # Last: the demo's risky migration fails on the copy too, and a failed rehearsal locks production for this set.
    app = NeontuiApp(Options(project_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")  # the rehearsal on a copy: changes nothing on the target
        await settle(app, pilot)
        save(app, "rehearsal")
        await pilot.press("escape")
        await pilot.press("p")  # the pending batch at a glance, with the rehearsal just run and the live table sizes
        await settle(app, pilot)
        save(app, "pending-batch")


async def shoot_large(root: Path, url: str, admin_url: str, save: Save) -> None:
    """A real project's shape: 300 migrations with long tags, 5 pending, at 120×40."""
    with connect(admin_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(LARGE_DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(LARGE_DATABASE)))
    project = long_tag_project(root, url, count=300, pending=5)
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=LARGE_SIZE) as pilot:
        await settle(app, pilot)
        save(app, "large-project")


def font_files() -> list[str]:
    """The DejaVu fonts (Debian's fonts-dejavu-core), found by file name so every machine renders alike."""
    found = {path.name: path for folder in FONT_DIRS if folder.is_dir() for path in folder.rglob("DejaVuSans*.ttf")}
    missing = [name for name in FONTS if name not in found]
    if missing:
        raise RenderError(f"the PNGs need the DejaVu fonts ({', '.join(missing)} not found; Debian: fonts-dejavu-core)")
    return [str(found[name]) for name in FONTS]


def png_of(svg: str) -> bytes:
    """Rich's SVG export rendered to PNG as a terminal shows it: every character on its cell, spaces kept."""
    try:
        import resvg_py
    except ImportError:
        raise RenderError("resvg-py is not installed: SVG only (pip install resvg-py)") from None
    svg, count = MATRIX_FONT[0].subn(MATRIX_FONT[1], svg, count=1)
    if count != 1:
        raise RenderError("this SVG is not Rich's terminal export (no 20px matrix font): not rendered")
    svg = ROW_CLIP.sub("", svg).replace("font-family: arial;", "font-family: DejaVu Sans;")
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True, font_files=font_files(),
                                       font_family="DejaVu Sans", monospace_family="DejaVu Sans Mono"))


def to_png(paths: list[Path]) -> list[Path]:
    pngs = []
    for svg in paths:
        png = svg.with_suffix(".png")
        png.write_bytes(png_of(svg.read_text()))
        pngs.append(png)
    return pngs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    saved = asyncio.run(shoot(args.out))
    for path in saved:
        print(path)
    try:
        pngs = to_png(saved)
    except RenderError as error:
        print(f"screenshots: {error}", file=sys.stderr)
        sys.exit(3)
    for path in pngs:
        print(path)


if __name__ == "__main__":
    main()
