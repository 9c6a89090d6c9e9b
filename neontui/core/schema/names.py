"""The names PostgreSQL gives and keeps, for every reader that has to predict them (the replay of SQL, drizzle's
snapshots, the review's suggested names): the 63-byte limit, makeObjectName, the serial pseudo-types and a
sequence's name as a `nextval(…::regclass)` default prints it."""

from __future__ import annotations

import re

NAME_BYTES = 63  # NAMEDATALEN - 1: the longest name PostgreSQL keeps, in bytes of UTF-8, not characters

# The serial pseudo-types: PostgreSQL creates the integer type (and a sequence for its default).
SERIALS = {"serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint",
           "smallserial": "smallint", "serial2": "smallint"}

_PLAIN_NAME = re.compile(r"^[a-z_][a-z0-9_$]*$")


def clip(name: str, size: int = NAME_BYTES) -> str:
    """The longest prefix of `name` that fits in `size` bytes of UTF-8 without splitting a character
    (pg_mbcliplen): what PostgreSQL keeps of a longer name."""
    return name.encode()[:size].decode(errors="ignore")


def object_name(name1: str, name2: str | None, label: str | None) -> str:
    """makeObjectName: `name1_name2_label` in 63 bytes, the longer of the two names shortened first."""
    len1, len2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    available = NAME_BYTES - (1 if name2 else 0) - (len(label.encode()) + 1 if label else 0)
    while len1 + len2 > available:
        if len1 > len2:
            len1 -= 1
        else:
            len2 -= 1
    parts = [clip(name1, len1)] + ([clip(name2, len2)] if name2 else []) + ([label] if label else [])
    return "_".join(parts)


def regclass_text(schema: str, name: str) -> str:
    """A relation as regclass output names it: quoted unless a plain lower-case identifier, qualified unless in
    public (a serial's default: `nextval('app."Orgs_id_seq"'::regclass)`)."""
    def ident(part: str) -> str:
        return part if _PLAIN_NAME.match(part) else '"' + part.replace('"', '""') + '"'

    return ident(name) if schema == "public" else f"{ident(schema)}.{ident(name)}"
