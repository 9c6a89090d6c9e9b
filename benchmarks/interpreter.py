"""The interpreter the benchmarks time neontui with: a virtual environment of its own, as a user's install is.

A user runs neontui from a venv (pip or pipx): its interpreter reads no .pth files but its own. The interpreter
the benchmarks are started with may be a machine's base Python, whose site-packages can hold .pth files that run
code at every start (an editable install's finder, a distro's or a sandbox's hooks: 0.06 s on this machine, three
times Python's own start-up), which no user pays. So the benchmarks make a venv once (no pip, a second) in the user
cache, whose only .pth file puts this checkout and the running interpreter's site-packages on sys.path as plain
paths: the same code and dependencies, imported exactly as from a normal install, without running those hooks.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_TIMEOUT = 120.0


def _site_paths() -> list[str]:
    """Where the running interpreter finds neontui's dependencies (site-packages, user site included)."""
    paths = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    paths += [p for p in sys.path if p.endswith("site-packages")]
    return list(dict.fromkeys(p for p in paths if Path(p).is_dir()))


@functools.cache
def clean_python() -> str:
    """The venv interpreter (made on first use, reused while this checkout and interpreter stay the same), with
    the checkout's neontui byte-compiled for it."""
    lines = [str(ROOT), *_site_paths()]
    key = hashlib.sha256("\n".join([sys.executable, *lines]).encode()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neontui-bench" / f"venv-{key}"
    python = base / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(base)], check=True, timeout=VENV_TIMEOUT,
                       capture_output=True, stdin=subprocess.DEVNULL)
        purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True, timeout=VENV_TIMEOUT).stdout.strip()
        (Path(purelib) / "neontui-checkout.pth").write_text("\n".join(lines) + "\n")
    subprocess.run([str(python), "-m", "compileall", "-q", str(ROOT / "neontui")], check=True, timeout=VENV_TIMEOUT,
                   capture_output=True, stdin=subprocess.DEVNULL)
    return str(python)


def neontui_argv(*args: str) -> list[str]:
    """`neontui ARGS` as the benchmarks run it: this checkout's code on the clean interpreter."""
    return [clean_python(), "-m", "neontui", *args]
