"""Drive the real console headless through its main states and save SVG (and PNG) screenshots in screenshots/.

    python scripts/screenshots.py [--out screenshots]

Uses the demo project on an embedded PostgreSQL, so it needs no account and no network.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from neontui.cli.demo import use_tools_of
from neontui.core.actions.demo import create_demo
from neontui.tui.app import NeontuiApp, Options

SIZE = (132, 40)


async def settle(app: NeontuiApp, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def shoot(out: Path) -> list[Path]:
    home = Path(tempfile.mkdtemp(prefix="neontui-shots-"))
    os.environ["XDG_STATE_HOME"] = str(home / "state")
    demo = create_demo(home / "demo")
    use_tools_of(demo.server.bin_dir)  # as `neontui demo` does: the rehearsal's schema diff needs a matching pg_dump
    saved: list[Path] = []

    def save(app: NeontuiApp, name: str) -> None:
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"neontui — {name.replace('-', ' ')}"))
        saved.append(path)

    app = NeontuiApp(Options(demo.project_dir))
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
    app = NeontuiApp(Options(demo.project_dir, env="production"))
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
    app = NeontuiApp(Options(demo.project_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")  # the rehearsal on a copy: changes nothing on the target
        await settle(app, pilot)
        save(app, "rehearsal")
    return saved


def to_png(paths: list[Path]) -> list[Path]:
    try:
        import cairosvg
    except ImportError:
        print("cairosvg is not installed: SVG only (pip install cairosvg)")
        return []
    pngs = []
    for svg in paths:
        png = svg.with_suffix(".png")
        cairosvg.svg2png(url=str(svg), write_to=str(png))
        pngs.append(png)
    return pngs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    saved = asyncio.run(shoot(args.out))
    for path in [*saved, *to_png(saved)]:
        print(path)


if __name__ == "__main__":
    main()
