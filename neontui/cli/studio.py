"""`neontui studio`: Drizzle Studio until Ctrl-C (or SIGTERM/SIGHUP), never left running."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from neontui.cli import project
from neontui.cli.parser import Subparsers, add_project_args, port
from neontui.core.errors import ExitCode


def flags(sub: Subparsers) -> None:
    studio = sub.add_parser("studio", help="start Drizzle Studio, report its URL, stop it with Ctrl-C")
    add_project_args(studio)
    studio.add_argument("--port", type=port, default=4983)
    studio.add_argument("--host", default="127.0.0.1")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.studio import start_studio

    started = start_studio(project.load(Path(args.project_dir), args), port=args.port, host=args.host)
    with started.studio as studio:  # stops it on the way out, whatever ends the wait
        info = started.info
        try:  # from the moment the user reads "Ctrl-C stops it", Ctrl-C stops it (exit 0)
            print(f"Drizzle Studio is running: {info.url} (its API listens on {info.host}:{info.port}); "
                  "Ctrl-C stops it", flush=True)
            while studio.running:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
    print("next: studio stopped; run neontui studio again to reopen it")
    return ExitCode.OK
