"""Which drizzle line a project is on: the installed drizzle-kit and drizzle-orm, and the migrations folder's layout.

The two must agree. drizzle-kit 1.0 refuses a 0.x journal folder ("Your migrations folder format is outdated, please
run drizzle-kit up"); drizzle-kit 0.31 does not see 1.0 migration folders at all and `generate` writes a fresh
0000 migration that creates the whole schema again (observed with 0.31.11), so that mismatch is the dangerous one.
Reads package.json files and the folder only: no node process, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neontui.core.drizzle.layout import FOLDERS, JOURNAL, detect_layout
from neontui.core.errors import JournalError
from neontui.core.kit.prereqs import drizzle_orm_version, find_drizzle_kit

LINE_0X, LINE_1 = "0.x", "1.0"
_LAYOUT_LINE = {JOURNAL: LINE_0X, FOLDERS: LINE_1}


@dataclass(frozen=True)
class KitVersions:
    kit: str  # drizzle-kit's version, "unknown" when its package.json cannot be read
    kit_path: Path  # node_modules/.bin/drizzle-kit that neontui runs
    orm: str | None  # drizzle-orm as node resolves it from the project (drizzle-kit migrate runs its migrator)
    kit_line: str | None  # "0.x" | "1.0" | None (unknown version)
    layout: str | None  # "journal" | "folders" | None (no migrations yet, or unreadable)
    layout_line: str | None  # the line that wrote the migrations folder
    mismatch: str | None  # one sentence when the kit and the folder (or drizzle-orm) are of different lines
    fix: str | None  # the way out of the mismatch

    @property
    def line(self) -> str | None:
        """The project's line: the migrations folder's when there is one (it is what the databases ran), else
        the kit's."""
        return self.layout_line or self.kit_line

    @property
    def is_v1(self) -> bool:
        """The kit speaks 1.0's machine interface (`--output json`, `--hints`)."""
        return self.kit_line == LINE_1

    def to_json(self) -> dict[str, Any]:
        return {"drizzle_kit": self.kit, "drizzle_kit_path": str(self.kit_path), "drizzle_orm": self.orm,
                "kit_line": self.kit_line, "layout": self.layout, "layout_line": self.layout_line,
                "line": self.line, "mismatch": self.mismatch, "fix": self.fix}


def version_line(version: str | None) -> str | None:
    """"1.0" for 1.x (1.0.0-rc.5 included), "0.x" for 0.*, None when unknown."""
    match = re.match(r"^v?(\d+)\.", version or "")
    if match is None:
        return None
    return LINE_1 if int(match.group(1)) >= 1 else LINE_0X


def kit_versions(root: Path, out_dir: Path | None = None) -> KitVersions | None:
    """The drizzle-kit node would run from `root` (nearest node_modules up the tree) and its line, the
    drizzle-orm next to it, and `out_dir`'s layout; None when drizzle-kit is not installed."""
    found = find_drizzle_kit(root)
    if found is None:
        return None
    kit_path, kit = found
    orm = drizzle_orm_version(root)
    kit_line = version_line(kit)
    layout = _layout(out_dir) if out_dir is not None else None
    layout_line = _LAYOUT_LINE.get(layout) if layout else None
    mismatch, fix = _mismatch(kit, kit_line, orm, layout_line)
    return KitVersions(kit, kit_path, orm, kit_line, layout, layout_line, mismatch, fix)


def _layout(out_dir: Path) -> str | None:
    try:
        return detect_layout(out_dir)
    except JournalError:  # no migrations yet, or both layouts: layout.py reports that itself
        return None


def _mismatch(kit: str, kit_line: str | None, orm: str | None,
              layout_line: str | None) -> tuple[str | None, str | None]:
    if kit_line == LINE_1 and layout_line == LINE_0X:
        return (f"drizzle-kit {kit} refuses this 0.x migrations folder (meta/_journal.json): generate and migrate "
                "stop with \"Your migrations folder format is outdated, please run drizzle-kit up\"",
                "run neontui upgrade (it converts the folder with drizzle-kit up and checks the ledger)")
    if kit_line == LINE_0X and layout_line == LINE_1:
        return (f"drizzle-kit {kit} does not read drizzle 1.0 migration folders: generate would write a new "
                "first migration that creates the whole schema again, and migrate exits 1 without a word",
                "upgrade drizzle-kit and drizzle-orm to the 1.0 line (npm install -D drizzle-kit@rc; "
                "npm install drizzle-orm@rc)")
    orm_line = version_line(orm)
    if kit_line and orm_line and kit_line != orm_line:
        return (f"drizzle-kit {kit} and drizzle-orm {orm} are of different lines: drizzle-kit migrate runs "
                "drizzle-orm's migrator", f"install drizzle-orm of the {kit_line} line next to drizzle-kit")
    return None, None
