"""The safety-rule corpus (tests/safety_corpus/*.sql) and its precision/recall.

Each case file starts with header comments:
  -- expect: rule@N rule@TAG#N …   the findings a correct review reports (core rules, not suppressed), or (none)
  -- known-miss: rule@N            expected findings the engine is known not to report (counted as misses)
  -- pg: 11                        server version (default: the newest)
  -- mode: autocommit              the neon-http migrator instead of one transaction
  -- enable: rule rule …           advisory rules to report too (expected and counted like the core ones)
  -- before: SQL                   the schema before the run (several lines join): a case that needs the catalog.
                                   The corpus test replays it offline; tests/db/safety/test_corpus_schema.py
                                   also runs each such case against a seeded database and drizzle's snapshot of it
  -- snapshot: no (why)            …but not from a snapshot: drizzle's cannot describe what the case depends on
  -- snapshot-says: SQL            what drizzle's snapshot of the (first) migration says it does, on top of `before`
A line `-- migration: TAG` starts the next migration of the same run. N is the 0-based statement (chunk) index.

`python -m tests.safety_metrics` prints precision and recall over the corpus.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from neontui.core.safety import RULES, RunMode, Source, analyze
from neontui.core.safety.history import snapshot_notes
from neontui.core.schema import Schema
from neontui.core.sql.replay import replay
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
    before: str = ""
    snapshot: bool = True  # drizzle's snapshot of `before` describes what the verdict depends on
    snapshot_says: str = ""
    enable: set[str] = field(default_factory=set)

    def schema(self) -> Schema | None:
        """The schema `before` describes, replayed offline (None when the case needs no catalog)."""
        return replay(Schema("empty"), self.before, origin="the case's -- before: SQL") if self.before else None


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
    headers = r"^-- (expect|known-miss|pg|mode|before|enable|snapshot|snapshot-says): (.*)$"
    for key, value in re.findall(headers, text, re.MULTILINE):
        if key == "expect":
            case.expected |= _keys(value)
        elif key == "known-miss":
            case.known_miss |= _keys(value)
        elif key == "pg":
            case.pg = parse_version(value)
        elif key == "mode":
            case.mode = RunMode(value.strip())
        elif key == "enable":
            case.enable |= set(value.split())
        elif key == "snapshot-says":
            case.snapshot_says += value + "\n"
        elif key == "snapshot":
            case.snapshot = not value.startswith("no")
        else:
            case.before += value + "\n"
    parts = re.split(r"^-- migration: (\S+)\n", text, flags=re.MULTILINE)
    case.sources.append(Source(FIRST_TAG, parts[0]))
    case.sources.extend(Source(tag, body) for tag, body in zip(parts[1::2], parts[2::2], strict=True))
    return case


def load_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CORPUS.glob("*.sql"))]


def reported(case: Case) -> set[Key]:
    return findings(case, case.schema())


def findings(case: Case, schema: Schema | None) -> set[Key]:
    """The case reviewed with `schema` as the catalog before it (offline, live or from a snapshot)."""
    sources = case.sources
    if case.snapshot_says:
        described = schema or Schema("empty")
        says = replay(described, case.snapshot_says, origin="the case's -- snapshot-says: SQL")
        sources = [replace(sources[0], notes=snapshot_notes(sources[0].tag, sources[0].text, described, says)),
                   *sources[1:]]
    review = analyze(sources, mode=case.mode, pg_version=case.pg, advisory=False, schema=schema,
                     enable=case.enable)
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
