"""Send a transactional step's statements through libpq's pipeline mode: one round trip for a run of statements
instead of one per statement, each statement still its own query with its own result (so a failure names the
statement that failed, and the server's error and position are the ones a one-by-one run gets).

Pipeline mode only speaks the extended query protocol, which takes one statement per query. A chunk that may hold
several (a `;` before its end: DO bodies, files without breakpoints) is sent alone with the simple protocol, as
drizzle sends it; `pipelinable` decides, conservatively: a chunk with no inner `;` cannot hold two statements.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg.pq.abc import PGresult

# When a statement fails inside the pipeline, psycopg also logs "error ignored terminating <Pipeline …>" as the block
# unwinds; with no handler configured Python prints that on stderr, beside the one clear error the migrator reports.
logging.getLogger("psycopg").addHandler(logging.NullHandler())


def pipelinable(text: str) -> bool:
    """True when `text` is surely one statement (no `;` but trailing ones): safe for the extended protocol."""
    return ";" not in text.rstrip().rstrip(";")


class ArrivalCursor(psycopg.Cursor[Any]):
    """A cursor that calls `arrived` the moment its result is read off the pipeline (a per-statement clock)."""

    arrived: Callable[[], None] | None = None

    def _set_results(self, results: list[PGresult]) -> None:
        super()._set_results(results)
        if self.arrived is not None:
            self.arrived()


def send(conn: psycopg.Connection, queries: Sequence[tuple[bytes | Any, tuple[Any, ...] | None]],
         arrived: Callable[[int, ArrivalCursor], None]) -> None:
    """Queue `queries` (sql, params) in one pipeline and wait for all results; `arrived(i, cursor)` runs as the i-th
    result comes back, in order.
    On a failure the first error is raised; the failing query is the first whose `arrived` did not run."""
    seen = [0]

    def count_and_call(i: int, c: ArrivalCursor) -> None:
        seen[0] += 1
        arrived(i, c)

    with conn.pipeline():
        for index, (query, params) in enumerate(queries):
            cursor = ArrivalCursor(conn)
            cursor.arrived = (lambda i=index, c=cursor: count_and_call(i, c))
            cursor.execute(query, params, prepare=False)
    # _set_results is psycopg's (3.2, 3.3) private hook: if a release stops calling it, a failure could be blamed on
    # the wrong statement, so a pipeline whose results arrived unseen stops the run here, on its first success.
    if seen[0] != len(queries):
        raise RuntimeError(f"psycopg {psycopg.__version__} did not report {len(queries) - seen[0]} of "
                           f"{len(queries)} pipeline results: neontui's per-statement clock needs updating")

