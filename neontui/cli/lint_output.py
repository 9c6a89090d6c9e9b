"""How `neontui lint` prints a review: compiler-style text, JSON, GitHub annotations, SARIF 2.1.0 for code scanning,
or Markdown for a pull-request comment. Every format of the review is rendered here, from the same findings."""

from __future__ import annotations

import bisect
import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from neontui import __version__
from neontui.cli.output import painter
from neontui.core.display import finding_label, finding_notes
from neontui.core.drizzle.journal import BREAKPOINT, split_statements
from neontui.core.redact import redact
from neontui.core.safety import RULES, Finding, Review, Severity, Source
from neontui.core.safety.catalog import Rule
from neontui.core.safety.model import RULE_REFERENCE, DangerClass
from neontui.core.sql.parse import SqlSyntaxError, scan

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}  # SARIF's result.level
_CLASSES = {DangerClass.DATA_LOSS: "Data loss", DangerClass.BLOCKING_LOCK: "Blocking lock",
            DangerClass.TABLE_REWRITE: "Table rewrite", DangerClass.BACKWARD_INCOMPATIBLE: "Backward-incompatible",
            DangerClass.OTHER: "Fails or misbehaves"}
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# GitHub refuses a comment body longer than this (in characters); the Markdown summary stays under it.
COMMENT_LIMIT = 65_536


def render(review: Review, paths: Mapping[str, str], fmt: str, out: TextIO, *, show_info: bool,
           sources: Sequence[Source] = ()) -> None:
    """`paths` maps a migration tag to the file path to print (relative to the working directory if possible);
    `sources` are the reviewed files (SARIF's fingerprints hash their statements)."""
    findings = [f for f in review.findings if show_info or f.severity is not Severity.INFO]
    if fmt == "json":
        document = review.to_json(findings=[{**f.to_json(), "file": paths.get(f.tag)} for f in findings])
        out.write(redact(json.dumps(document, indent=2, ensure_ascii=False)) + "\n")
    elif fmt == "github":
        for f in findings:
            if not f.suppressed:
                level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(f.severity, "notice")
                message = _escape(f"{f.message}. {f.help}")
                out.write(f"::{level} file={paths.get(f.tag, f.tag)},line={f.line},col={f.column},"
                          f"title={f.rule}::{message}\n")
    elif fmt == "sarif":
        log = sarif(review, findings, sources, paths, docs=docs_base())
        out.write(redact(json.dumps(log, indent=2, ensure_ascii=False)) + "\n")
    elif fmt == "markdown":
        out.write(redact(markdown(review, findings, paths, show_info=show_info, docs=docs_base())))
    else:
        _text(review, findings, paths, out)


def _text(review: Review, findings: list[Finding], paths: Mapping[str, str], out: TextIO) -> None:
    paint = painter(out)
    for f in findings:
        label = paint(finding_label(f), _COLOURS[f.severity])
        state = " (suppressed by " + f.suppressed_by + ")" if f.suppressed and f.suppressed_by else ""
        out.write(f"{paths.get(f.tag, f.tag)}:{f.line}:{f.column}: {label}: {f.message}{state}\n")
        if f.suppressed:
            continue
        out.write("".join(f"  = {name}: {text}\n" for name, text in finding_notes(f)))
        if f.suggestion:
            out.write("  = safe alternative:\n" + "".join(f"      {line}\n" for line in f.suggestion.splitlines()))
    for tag, line, comment in review.unused_ignores:
        out.write(f"{paths.get(tag, tag)}:{line}:1: note: ignore comment suppressed nothing: {comment}\n")
    c = review.counts()
    if review.schema_origin:
        out.write(f"lint: reviewed against {review.schema_origin}\n")
    out.write(f"lint: {c['errors']} error(s), {c['warnings']} warning(s), {c['info']} info, {c['suppressed']} "
              f"suppressed in {len(review.sources)} migration(s), {review.statements} statement(s)\n")


def display_path(path: str | Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


@cache
def docs_base() -> str | None:
    """Where neontui's docs/ folder is published, from the package's `Documentation` project URL (pyproject's
    [project.urls]); None when the package names none, and then no link to the rule reference is printed rather
    than a link that leads nowhere."""
    from importlib import metadata  # only SARIF and Markdown link the docs: the text and JSON outputs skip ~30 ms

    try:
        urls = metadata.metadata("neontui").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return url.strip().rstrip("/") + "/"
    return None


def rule_url(rule: str, docs: str | None) -> str | None:
    """The rule's section of docs/rules.md: reference.py heads each section `## <rule id>`, and an id is already
    lower-case letters, digits and hyphens, so the id is its own anchor."""
    return f"{docs}{Path(RULE_REFERENCE).name}#{rule}" if docs else None


# --- SARIF 2.1.0 ------------------------------------------------------------------------------------------------

def sarif(review: Review, findings: Sequence[Finding], sources: Sequence[Source], paths: Mapping[str, str], *,
          docs: str | None) -> dict[str, Any]:
    """The SARIF log of one review: one run, every catalog rule as a reportingDescriptor, one result a finding."""
    root = source_root()
    index = {rule: i for i, rule in enumerate(RULES)}
    by_tag = {s.tag: s for s in sources}
    artifacts = {f.tag: _artifact(by_tag[f.tag].path if f.tag in by_tag else None, paths.get(f.tag, f.tag), root)
                 for f in findings}
    prints = fingerprints(findings, by_tag, {tag: a["uri"] for tag, a in artifacts.items()})
    driver: dict[str, Any] = {"name": "neontui", "version": __version__, "semanticVersion": __version__,
                              "rules": [_descriptor(rule, docs) for rule in RULES.values()]}
    if docs:
        driver["informationUri"] = docs
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",  # Finding.column counts characters (sql.positions.line_column)
        "results": [_result(f, index[f.rule], artifacts[f.tag], p) for f, p in zip(findings, prints, strict=True)],
        "properties": {"migrations": review.sources, "statements": review.statements,
                       "pgVersion": review.pg_version, "mode": str(review.mode),
                       "schemaOrigin": review.schema_origin},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _descriptor(rule: Rule, docs: str | None) -> dict[str, Any]:
    from neontui.core.safety.examples import EXAMPLES  # the SARIF rule help alone shows them

    url = rule_url(rule.id, docs)
    example = EXAMPLES.get(rule.id)
    safe = "".join(f"\n\n{_fenced(sql, 'sql')}" for sql in example.safe) if example else ""
    more = f"\n\n[Rule reference]({url})" if url else ""
    properties: dict[str, Any] = {"tags": ["migration-safety", str(rule.danger)], "danger": str(rule.danger),
                                  "precision": "high",
                                  "problem.severity": "recommendation" if rule.severity is Severity.INFO
                                  else str(rule.severity)}
    if rule.squawk:
        properties["squawk"] = list(rule.squawk)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": f"{_CLASSES[rule.danger]}: {rule.id.replace('-', ' ')}"},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": f"Safe alternative: {rule.help}.",
                 "markdown": f"**Risk.** {rule.explanation}\n\n**Safe alternative:** {rule.help}.{safe}{more}"},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": properties,
    }
    if url:
        descriptor["helpUri"] = url
    return descriptor


def _result(f: Finding, rule_index: int, artifact: dict[str, str], fingerprint: str) -> dict[str, Any]:
    lock = f" Lock: {f.lock}" + (f"; blocks {f.blocks}." if f.blocks else ".") if f.lock else ""
    result: dict[str, Any] = {
        "ruleId": f.rule, "ruleIndex": rule_index, "level": _LEVELS[f.severity],
        "message": {"text": f"{f.message}.{lock}"},
        "locations": [{"physicalLocation": {"artifactLocation": artifact,
                                            "region": {"startLine": f.line, "startColumn": f.column}}}],
        # GitHub code scanning reads only this key: a hash of the statement, not of its line (see fingerprints).
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
        "properties": {"migration": f.tag, "statement": f.statement, "danger": str(f.danger)},
    }
    if f.suggestion:
        result["properties"]["suggestion"] = f.suggestion
    if f.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": f.suppressed_by or "an ignore comment"}]
    return result


def source_root(cwd: Path | None = None) -> Path:
    """What SARIF's %SRCROOT% stands for: the git work tree around the working directory, else the directory
    itself (code scanning resolves relative URIs against the repository's root)."""
    here = (cwd or Path.cwd()).resolve()
    return next((p for p in (here, *here.parents) if (p / ".git").exists()), here)


def _artifact(path: str | None, shown: str, root: Path) -> dict[str, str]:
    """A file's artifactLocation: relative to %SRCROOT% with forward slashes, or an absolute file URI outside it."""
    resolved = Path(path if path is not None else shown).resolve()
    try:
        relative = resolved.relative_to(root)
    except ValueError:
        return {"uri": resolved.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "%SRCROOT%"}


def fingerprints(findings: Sequence[Finding], sources: Mapping[str, Source], uris: Mapping[str, str]) -> list[str]:
    """One `hash:n` per finding, stable across pushes: the hash covers the rule, the file and the text of the
    finding's statement without comments and with single spaces, so lines added above the statement, blank lines
    or comments around it change nothing; n numbers identical ones (the same rule on the same statement text
    twice in a file)."""
    import hashlib  # SARIF alone needs it

    indexes = {tag: StatementIndex(source.text) for tag, source in sources.items()}
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        index = indexes.get(f.tag)
        text = index.statement(f) if index is not None else str(f.statement)
        digest = hashlib.sha256("\0".join((f.rule, uris.get(f.tag, f.tag), text)).encode()).hexdigest()[:16]
        seen[digest] += 1
        out.append(f"{digest}:{seen[digest]}")
    return out


class StatementIndex:
    """A file's statements, normalized, found from a finding's chunk (drizzle's split), line and column."""

    def __init__(self, text: str) -> None:
        self.chunks = split_statements(text)
        self.chunk_starts = [0]
        for chunk in self.chunks:
            self.chunk_starts.append(self.chunk_starts[-1] + len(chunk) + len(BREAKPOINT))
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.segments: dict[int, list[tuple[int, str]]] = {}

    def statement(self, f: Finding) -> str:
        if not 0 <= f.statement < len(self.chunks) or not 0 < f.line <= len(self.line_starts):
            return ""
        chunk = self.chunks[f.statement]
        offset = self.line_starts[f.line - 1] + f.column - 1 - self.chunk_starts[f.statement]
        at = min(max(offset, 0), len(chunk))  # a character offset, like the lexer's tokens
        if f.statement not in self.segments:
            self.segments[f.statement] = _segments(chunk)
        segments = self.segments[f.statement]
        ends = [end for end, _ in segments]
        return segments[min(bisect.bisect_left(ends, at), len(segments) - 1)][1]


def _segments(chunk: str) -> list[tuple[int, str]]:
    """(character offset of the ending ';' or of the chunk's end, text without comments, single-spaced) of each
    statement of `chunk`; one segment, the whole chunk single-spaced, when it does not lex (a syntax error)."""
    try:
        tokens = scan(chunk)  # offsets count characters (core.sql.parse.scan)
    except SqlSyntaxError:
        return [(len(chunk), " ".join(chunk.split()))]
    segments: list[tuple[int, str]] = []
    words: list[str] = []
    for token in tokens:
        if token.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        words.append(chunk[token.start:token.end + 1])
        if token.name == "ASCII_59":  # ';'
            segments.append((token.end, " ".join(words)))
            words = []
    return [*segments, (len(chunk), " ".join(words))] if words or not segments else segments


# --- Markdown for a pull-request comment ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$#])")  # inline Markdown, HTML and GitHub's $math$


def md_escape(text: str) -> str:
    """`text` shown literally in GitHub Markdown, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown(review: Review, findings: Sequence[Finding], paths: Mapping[str, str], *, show_info: bool,
             docs: str | None, limit: int = COMMENT_LIMIT) -> str:
    """The review as one PR comment: counts, the schema it knew, then the findings grouped by migration and the
    suppressed ones last; cut before `limit` characters with a line saying how many were left out."""
    head = _md_head(review, findings, show_info)
    if not findings and not review.unused_ignores:
        return head + "No findings.\n"
    live = [f for f in findings if not f.suppressed]
    parts: list[tuple[str, bool]] = []  # (Markdown, whether it shows a finding)
    for tag in review.sources:
        mine = [f for f in live if f.tag == tag]
        for number, f in enumerate(mine):
            heading = f"#### {_code(paths.get(tag, tag))}\n\n" if number == 0 else ""
            parts.append((heading + _md_finding(f, paths.get(tag, tag), docs), True))
    suppressed = [f for f in findings if f.suppressed]
    for number, f in enumerate(suppressed):
        summary = f"\n**{len(suppressed)} suppressed finding(s):**\n\n" if number == 0 else ""
        parts.append((summary + _md_suppressed(f, paths), True))
    for number, (tag, line, comment) in enumerate(review.unused_ignores):
        title = "\n**Ignore comments that suppressed nothing:**\n\n" if number == 0 else ""
        parts.append((f"{title}- {_code(paths.get(tag, tag) + f':{line}')}: {_code(comment)}\n", False))
    return head + _fit(parts, limit - _size(head))


def _md_head(review: Review, findings: Sequence[Finding], show_info: bool) -> str:
    live = Counter(f.severity for f in findings if not f.suppressed)
    suppressed = sum(f.suppressed for f in findings)
    counts = [f"{live[Severity.ERROR]} error(s)", f"{live[Severity.WARNING]} warning(s)"]
    if show_info:
        counts.append(f"{live[Severity.INFO]} info")
    if live:
        title = ", ".join([*counts, f"{suppressed} suppressed"])
    else:
        title = "No findings" + (f" ({suppressed} suppressed)" if suppressed else "")
    mark = ":x:" if live[Severity.ERROR] else ":warning:" if live else ":white_check_mark:"
    reviewed = f"{len(review.sources)} migration(s), {review.statements} statement(s) reviewed"
    head = f"### {mark} neontui lint: {title} · {reviewed}\n\n"
    if review.schema_origin:
        head += f"Reviewed against: {md_escape(review.schema_origin)}\n\n"
    return head


def _md_finding(f: Finding, path: str, docs: str | None) -> str:
    url = rule_url(f.rule, docs)
    rule = f"[{_code(f.rule)}]({url})" if url else _code(f.rule)
    lines = [f"**{f.severity}** {rule} at {_code(f'{path}:{f.line}')}: {md_escape(f.message)}\n"]
    if f.lock:
        lines.append(f"- **Lock:** {md_escape(f.lock)}" + (f"; blocks {md_escape(f.blocks)}" if f.blocks else ""))
    lines.append(f"- **Risk:** {md_escape(f.explanation)}")
    lines.append(f"- **Safe rewrite:** {md_escape(f.help)}")
    text = "\n".join(lines) + "\n\n"
    return text + (_fenced(f.suggestion, "sql") + "\n" if f.suggestion else "")


def _md_suppressed(f: Finding, paths: Mapping[str, str]) -> str:
    by = f" by {_code(f.suppressed_by)}" if f.suppressed_by else ""
    return f"- {f.severity} {_code(f.rule)} at {_code(paths.get(f.tag, f.tag) + f':{f.line}')}{by}\n"


def _size(text: str) -> int:
    """Characters as a browser counts them (UTF-16 units), never fewer than GitHub's count."""
    return len(text.encode("utf-16-le")) // 2


def _fit(parts: Sequence[tuple[str, bool]], room: int) -> str:
    """As many parts as fit in `room` characters, then a line saying how many findings were left out."""
    room -= 400  # for that line
    kept: list[str] = []
    for text, _ in parts:
        if _size(text) > room:
            break
        kept.append(text)
        room -= _size(text)
    if len(kept) == len(parts):
        return "".join(kept)
    left_out = sum(is_finding for _, is_finding in parts[len(kept):])
    what = f"{left_out} more finding(s)" if left_out else "The rest of the list"
    return "".join(kept) + (
        f"\n**{what} not shown:** a pull-request comment holds at most {COMMENT_LIMIT:,} characters. Run "
        "`neontui lint` with `--format text` (or upload `--format sarif` to code scanning) to see all of them.\n")


def _code(text: str) -> str:
    """An inline code span that holds any text (a longer run of backticks than the text contains)."""
    text = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fenced(text: str, language: str) -> str:
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}\n"
