"""Where something is in a file: the one definition of a line and column, in a module of its own so that what only
needs a position (the journal's checks, the console's SQL pane) does not import the statement facts and the catalog
of builtin functions with it."""

from __future__ import annotations


def line_column(text: str, offset: int, *, start: tuple[int, int] = (1, 1)) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset` in `text`, the one definition of a position in a file.

    `start` is the (line, column) of text[0] in the file, so a chunk can be measured on its own without rescanning
    the file from its beginning for every finding.
    """
    newlines = text.count("\n", 0, offset)
    if newlines:
        return start[0] + newlines, offset - text.rfind("\n", 0, offset)
    return start[0], start[1] + offset
