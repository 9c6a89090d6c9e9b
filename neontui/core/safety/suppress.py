"""Ignore comments: `-- neontui-ignore[:] a, b` for the next statement, `-- neontui-ignore-file[: a, b]` for the
file; squawk's `-- squawk-ignore` / `-- squawk-ignore-file` are read as synonyms (squawk names are mapped to
neontui ids). `/* … */` forms work too. A next-statement comment covers the statement that follows it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from neontui.core.safety.catalog import SQUAWK_NAMES

_COMMENT = re.compile(r"(?:--|/\*)[ \t]*(?P<tool>neontui|squawk)-ignore(?P<file>-file)?\b[ \t]*:?(?P<rules>[^\n]*)")
_RULE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Ignore:
    offset: int  # in the file: identifies the comment
    rules: frozenset[str] | None  # None: every rule
    comment: str

    def covers(self, rule: str) -> bool:
        return self.rules is None or rule in self.rules


@dataclass
class FileIgnores:
    file_level: list[Ignore] = field(default_factory=list)
    statement_level: list[Ignore] = field(default_factory=list)  # sorted by offset

    def between(self, start: int, end: int) -> list[Ignore]:
        """The next-statement comments in [start, end) of the file."""
        if not self.statement_level:  # asked once per statement: most files have no such comment
            return []
        offsets = [i.offset for i in self.statement_level]
        return self.statement_level[bisect.bisect_left(offsets, start):bisect.bisect_left(offsets, end)]

    def file_match(self, rule: str) -> Ignore | None:
        return next((i for i in self.file_level if i.covers(rule)), None)

    def all(self) -> list[Ignore]:
        return self.file_level + self.statement_level


def scan_ignores(text: str) -> FileIgnores:
    found = FileIgnores()
    if "-ignore" not in text:  # fast path: most files have none
        return found
    for match in _COMMENT.finditer(text):
        body = match["rules"].split("*/")[0]
        names = _RULE_NAME.findall(body.lower())
        rules: frozenset[str] | None = None
        if names:
            ids: set[str] = set()
            for name in names:
                ids.update(SQUAWK_NAMES.get(name, ()) if match["tool"] == "squawk" else ())
                ids.add(name)
            rules = frozenset(ids)
        comment = match[0].split("*/")[0] + "*/" if match[0].startswith("/*") else match[0]
        ignore = Ignore(match.start(), rules, comment.strip())
        (found.file_level if match["file"] else found.statement_level).append(ignore)
    return found
