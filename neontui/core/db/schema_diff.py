"""The schema difference between two databases, from `pg_dump --schema-only` of each (docs/rehearsal.md).

Both dumps come from the same local pg_dump (checked against the newer of the two servers), with --no-owner (a
copy restored by another role owns its objects under that role's name). Before comparing, the lines that differ
between any two dumps are dropped: comments (including the per-object `-- Name: …; Type: …` headers), `SET`
lines and the search_path reset, blank lines, and the `\\restrict <token>` / `\\unrestrict <token>` pair that
pg_dump 17.6+ and 18 print with a random token each run. What remains is compared as a unified diff; identical
schemas give an empty one.

The summary is derived from pg_dump's own per-object headers: each object's normalised lines are compared by
(kind, schema, name), giving added / removed / changed objects by pg_dump's kind (TABLE, INDEX, CONSTRAINT, …).
It is exactly as fine-grained as those headers: a new column shows as its TABLE changed.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from neontui.core.db.limits import DEFAULT_CONNECT_DEADLINE
from neontui.core.db.pg_client import (
    Deadline,
    PgClient,
    client_for,
    libpq_target_without_password,
    mismatch_from_stderr,
    tool_env,
    tool_failure,
)
from neontui.core.db.url import direct_url, parse_url
from neontui.core.errors import NeontuiError

__all__ = ["DEFAULT_DIFF_DEADLINE", "ObjectChange", "SchemaDiff", "diff_dumps", "diff_text", "normalise",
           "schema_diff"]

DEFAULT_DIFF_DEADLINE = 300.0  # seconds for both connections and both dumps together

# `-- Name: widgets; Type: TABLE; Schema: public; Owner: -` (Owner is "-" with --no-owner, the role without it).
_HEADER = re.compile(r"^-- (?:Data for )?Name: (?P<name>.*?); Type: (?P<kind>[^;]*); Schema: (?P<schema>[^;]*);")
_NOISE = re.compile(
    r"^(?:--.*|SET \w+ = .*;|SELECT pg_catalog\.set_config\('search_path', '', false\);|\\(?:un)?restrict \S+)$"
)


@dataclass(frozen=True, order=True)
class ObjectChange:
    kind: str  # pg_dump's object type: TABLE, INDEX, CONSTRAINT, SEQUENCE, FUNCTION, …
    schema: str  # "-" for objects outside a schema (extensions, schemas themselves)
    name: str
    change: str  # "added" (only in b), "removed" (only in a) or "changed"

    def label(self) -> str:
        return f"{self.kind} {self.name}" if self.schema == "-" else f"{self.kind} {self.schema}.{self.name}"


@dataclass(frozen=True)
class SchemaDiff:
    """a → b: `text` is the unified diff of the normalised dumps ("" when the schemas are the same)."""

    a: str  # what was compared, masked: host:port/db
    b: str
    text: str
    changes: tuple[ObjectChange, ...]

    @property
    def is_empty(self) -> bool:
        return not self.text

    def summary(self) -> dict[str, dict[str, int]]:
        """{kind: {"added": n, "removed": n, "changed": n}} for the kinds that changed."""
        counts: dict[str, dict[str, int]] = {}
        for change in self.changes:
            kind = counts.setdefault(change.kind, {"added": 0, "removed": 0, "changed": 0})
            kind[change.change] += 1
        return counts

    def summary_line(self) -> str:
        if self.is_empty:
            return f"no schema difference between {self.a} and {self.b}"
        if not self.changes:  # a diff computed elsewhere (Neon's compare_schema): only its lines are known
            lines = self.text.splitlines()
            plus = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
            minus = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
            return f"the schemas differ: {plus} line(s) only in {self.b}, {minus} only in {self.a}"
        parts = [f"{n} {what}" for what in ("added", "removed", "changed")
                 if (n := sum(c.change == what for c in self.changes))]
        named = ", ".join(f"{c.change} {c.label()}" for c in self.changes[:5])
        more = f", and {len(self.changes) - 5} more" if len(self.changes) > 5 else ""
        return f"{', '.join(parts) or 'differences outside any object'}: {named}{more}"

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "empty": self.is_empty, "summary": self.summary(),
                "changes": [{"kind": c.kind, "schema": c.schema, "name": c.name, "change": c.change}
                            for c in self.changes],
                "diff": self.text}


def normalise(dump: str) -> list[str]:
    """The lines of a schema dump that describe the schema (see the module text), trailing spaces removed."""
    return [line.rstrip() for line in dump.splitlines() if line.strip() and not _NOISE.match(line.rstrip())]


def _objects(dump: str) -> dict[tuple[str, str, str], list[str]]:
    """Normalised lines per (kind, schema, name), from pg_dump's object headers; lines before any header (the
    preamble) under ("", "", "")."""
    objects: dict[tuple[str, str, str], list[str]] = {}
    key = ("", "", "")
    for line in dump.splitlines():
        if header := _HEADER.match(line):
            key = (header["kind"], header["schema"], header["name"])
            objects.setdefault(key, [])
        elif line.strip() and not _NOISE.match(line.rstrip()):
            objects.setdefault(key, []).append(line.rstrip())
    return objects


def _changes(a: dict[tuple[str, str, str], list[str]],
             b: dict[tuple[str, str, str], list[str]]) -> Iterable[ObjectChange]:
    for key in sorted(a.keys() | b.keys()):
        kind, schema, name = key
        if not kind:
            continue  # the preamble belongs to no object; its changes still show in the text
        if key not in b:
            yield ObjectChange(kind, schema, name, "removed")
        elif key not in a:
            yield ObjectChange(kind, schema, name, "added")
        elif a[key] != b[key]:
            yield ObjectChange(kind, schema, name, "changed")


def diff_dumps(dump_a: str, dump_b: str, label_a: str, label_b: str) -> SchemaDiff:
    """Compare two schema dumps (a → b) after normalising them."""
    text = "\n".join(difflib.unified_diff(normalise(dump_a), normalise(dump_b), fromfile=label_a,
                                          tofile=label_b, lineterm=""))
    changes = tuple(_changes(_objects(dump_a), _objects(dump_b))) if text else ()
    return SchemaDiff(a=label_a, b=label_b, text=text + "\n" if text else "", changes=changes)


def diff_text(text: str, label_a: str, label_b: str) -> SchemaDiff:
    """A diff computed elsewhere (Neon's compare_schema: a unified diff of a → b) as a SchemaDiff; its objects are
    not known, only its lines."""
    text = text.strip("\n")
    return SchemaDiff(a=label_a, b=label_b, text=text + "\n" if text else "", changes=())


def _server_version(url: str, clock: Deadline) -> int:
    from neontui.core.db.connect import connect, server_info

    with connect(url, deadline=min(DEFAULT_CONNECT_DEADLINE, clock.left()), application_name="neontui diff") as conn:
        return server_info(conn, parse_url(url)).version_num


def dump_schema(url: str, client: PgClient, clock: Deadline) -> str:
    """`pg_dump --schema-only --no-owner` of `url` as text; one NeontuiError line on failure or at the deadline."""
    target, password = libpq_target_without_password(url)
    shown = parse_url(url).display_target()
    command = [str(client.pg_dump), "--schema-only", "--no-owner", "--no-password", "--lock-wait-timeout=30000",
               "--dbname", target]
    try:
        # subprocess.run kills pg_dump when the timeout expires; --no-password and no stdin: it never prompts.
        result = subprocess.run(command, env=tool_env(password), stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=clock.left(), check=False)
    except subprocess.TimeoutExpired:
        raise clock.expired(f"pg_dump of {shown}") from None
    except OSError as exc:
        raise NeontuiError(f"could not run {client.pg_dump}: {exc.strerror or exc}") from None
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        raise mismatch_from_stderr(stderr, shown, client.pg_dump) or NeontuiError(
            tool_failure("pg_dump", f"of {shown}", stderr, result.returncode))
    return result.stdout.decode("utf-8", "replace")


def schema_diff(url_a: str, url_b: str, *, deadline: float = DEFAULT_DIFF_DEADLINE) -> SchemaDiff:
    """The schema difference a → b (e.g. target → rehearsal copy), both dumped by the same local pg_dump.

    One NeontuiError line when a server is unreachable, pg_dump is missing or older than either server, a dump
    fails, or `deadline` (seconds, for everything) passes. Pooled Neon URLs are dumped over the direct host.
    """
    url_a, url_b = direct_url(url_a)[0], direct_url(url_b)[0]
    shown_a, shown_b = parse_url(url_a).display_target(), parse_url(url_b).display_target()
    clock = Deadline(deadline, f"the schema diff of {shown_a} and {shown_b}")
    version_a, version_b = _server_version(url_a, clock), _server_version(url_b, clock)
    newer = shown_a if version_a >= version_b else shown_b
    client = client_for(max(version_a, version_b), newer, timeout=min(30.0, clock.left()))
    return diff_dumps(dump_schema(url_a, client, clock), dump_schema(url_b, client, clock), shown_a, shown_b)
