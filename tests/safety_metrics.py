"""The safety-rule corpus (tests/safety_corpus/*.sql) and its precision/recall.

Each case file starts with header comments:
  -- expect: rule@N rule@TAG#N …   the findings a correct review reports (core rules, not suppressed), or (none)
  -- known-miss: rule@N            expected findings the engine is known not to report (counted as misses)
  -- pg: 11                        server version (default: the newest)
  -- mode: autocommit              the neon-http migrator instead of one transaction
  -- column: schema.table.col TYPE a column's current type, as a live database would tell
A line `-- migration: TAG` starts the next migration of the same run. N is the 0-based statement (chunk) index.

`python -m tests.safety_metrics` prints precision and recall over the corpus.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from neontui.core.safety import RULES, RunMode, Source, analyze
from neontui.core.sql.versions import LATEST, parse_version

CORPUS = Path(__file__).parent / "safety_corpus"
FIRST_TAG = "0000_case"
Key = tuple[str, str, int]  # (rule, tag, statement)


@dataclass
class Case:
    name: str
    sources: list[Source]
    expected: set[Key]
    known_miss: set[Key] = field(default_factory=set)
    pg: int = LATEST
    mode: RunMode = RunMode.TRANSACTION
    columns: dict[tuple[str, str, str], str] = field(default_factory=dict)


def _keys(spec: str) -> set[Key]:
    found = set()
    for token in spec.split():
        if token == "(none)":
            continue
        rule, _, where = token.partition("@")
        tag, _, index = where.rpartition("#")
        found.add((rule, tag or FIRST_TAG, int(index)))
    return found


def load_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    case = Case(path.stem, [], set())
    for key, value in re.findall(r"^-- (expect|known-miss|pg|mode|column): (.*)$", text, re.MULTILINE):
        if key == "expect":
            case.expected |= _keys(value)
        elif key == "known-miss":
            case.known_miss |= _keys(value)
        elif key == "pg":
            case.pg = parse_version(value)
        elif key == "mode":
            case.mode = RunMode(value.strip())
        else:
            name, sql_type = value.split(maxsplit=1)
            schema, table, column = name.split(".")
            case.columns[(schema, table, column)] = sql_type
    parts = re.split(r"^-- migration: (\S+)\n", text, flags=re.MULTILINE)
    case.sources.append(Source(FIRST_TAG, parts[0]))
    case.sources.extend(Source(tag, body) for tag, body in zip(parts[1::2], parts[2::2], strict=True))
    return case


def load_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CORPUS.glob("*.sql"))]


def reported(case: Case) -> set[Key]:
    review = analyze(case.sources, mode=case.mode, pg_version=case.pg, advisory=False, known_columns=case.columns)
    return {(f.rule, f.tag, f.statement) for f in review.findings if not f.suppressed}


def main() -> int:
    cases = load_cases()
    tp = fp = fn = 0
    for case in cases:
        got = reported(case)
        tp += len(got & case.expected)
        fp += len(got - case.expected)
        fn += len(case.expected - got)
    triggered = {rule for case in cases for rule, _, _ in case.expected - case.known_miss}
    core = {r for r, rule in RULES.items() if rule.core}
    negatives = sum(1 for c in cases if not c.expected)
    print(f"safety corpus: {len(cases)} cases ({negatives} safe look-alikes), {tp + fn} expected findings")
    print(f"precision {tp / max(tp + fp, 1):.3f}  recall {tp / max(tp + fn, 1):.3f}  (tp {tp}, fp {fp}, fn {fn})")
    print(f"core rules triggered by the corpus: {len(triggered & core)}/{len(core)}"
          + (f"; missing: {', '.join(sorted(core - triggered))}" if core - triggered else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
