"""How `neontui lint` prints a review: compiler-style text, JSON, or GitHub annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from neontui.cli.output import painter
from neontui.core.display import finding_label, finding_notes
from neontui.core.redact import redact
from neontui.core.safety import Finding, Review, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(review: Review, paths: Mapping[str, str], fmt: str, out: TextIO, *, show_info: bool) -> None:
    """`paths` maps a migration tag to the file path to print (relative to the working directory if possible)."""
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
    out.write(f"lint: {c['errors']} error(s), {c['warnings']} warning(s), {c['info']} info, {c['suppressed']} "
              f"suppressed in {len(review.sources)} migration(s), {review.statements} statement(s)\n")


def display_path(path: str | Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
