"""`neontui doctor`: can neontui and drizzle-kit work with this project? One line and one fix per check."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from neontui.core.db.url import parse_url
from neontui.core.drizzle.config_file import CONFIG_DOCS, DrizzleConfig, read_config
from neontui.core.drizzle.config_reader import EnvRef
from neontui.core.drizzle.project import Project, build_project, locate_config
from neontui.core.errors import ConfigError

__all__ = [
    "Check",
    "check_prerequisites",
    "detect_package_manager",
    "dev_install_command",
    "find_drizzle_kit",
]

CREATE_CONFIG_FIX = f"create drizzle.config.ts (see {CONFIG_DOCS}) or pass --config"
NODE_TIMEOUT_S = 5.0
MIN_NODE_MAJOR = 18  # drizzle-kit's bundled esbuild needs node 18+
TESTED_DRIZZLE_V1 = "1.0.0-rc.5"  # the 1.0 release candidate neontui is tested with (its upgrade included)
TESTED_DRIZZLE_KIT = ("0.31.", TESTED_DRIZZLE_V1)  # the 0.x line, and the 1.0 release candidate
# Checked in this order within one directory: an explicit packageManager field first, then lockfiles.
LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lockb", "bun"),
    ("bun.lock", "bun"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)
_INSTALL_DEV = {"npm": "npm install -D", "pnpm": "pnpm add -D", "yarn": "yarn add -D", "bun": "bun add -d"}
_BIN_NAMES = ("drizzle-kit", "drizzle-kit.cmd", "drizzle-kit.exe")  # .cmd: npm's shim on Windows


@dataclass(frozen=True)
class Check:
    name: str  # "config", "dialect", "database-url", "drizzle-kit", "node"
    ok: bool
    detail: str  # what was found (no secrets)
    fix: str | None  # a one-line fix when not ok


def check_prerequisites(
    start: Path | None = None,
    *,
    config: Path | None = None,
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
    out: str | None = None,
) -> list[Check]:
    """Run every check; a missing config does not stop the checks that do not need it."""
    start_dir = Path.cwd() if start is None else Path(start)
    environ = os.environ if environ is None else environ
    cfg: DrizzleConfig | None = None
    project: Project | None = None
    try:
        path = locate_config(start_dir, config)
    except ConfigError as exc:
        several = exc.message.startswith("several")  # too many rather than none: the hint says what to do
        fix = exc.hint if several and exc.hint else CREATE_CONFIG_FIX
        checks = [Check("config", False, exc.message, fix)]
    else:
        try:
            cfg = read_config(path)
            project = build_project(cfg, out=out, url=url, environ=environ, require_out=False)
            checks = [_config_check(project)]
        except ConfigError as exc:
            checks = [Check("config", False, exc.message, exc.hint or f"fix {path.name} as described")]
    checks.append(dialect_check(cfg))
    checks.append(_url_check(project, url))
    root = cfg.root if cfg else (start_dir if start_dir.is_dir() else start_dir.parent)
    checks.append(_drizzle_kit_check(root.absolute(), project.out_dir if project else None))
    checks.append(_node_check(environ))
    return checks


def _config_check(project: Project) -> Check:
    cfg = project.config
    detail = f"{cfg.path.name} in {cfg.root}"
    if project.env_files:
        detail += f", env from {', '.join(p.name for p in project.env_files)}"
    if "out" in cfg.dynamic:
        return Check("config", False, f"{detail}; {cfg.why_dynamic('out')}", "pass --out DIR")
    for key in ("migrations.schema", "migrations.table"):
        if key in cfg.dynamic:  # needed to find the ledger; guessing the default would mislead
            return Check(
                "config", False, f"{detail}; {cfg.why_dynamic(key)}", f"write {key} as a string literal"
            )
    unread = [k for k in cfg.dynamic if not k.startswith("dbCredentials")]  # the URL has its own check
    if unread:
        detail += f"; not read statically (not needed): {', '.join(unread)}"
    return Check("config", True, detail, None)


def dialect_check(cfg: DrizzleConfig | None) -> Check:
    if cfg is None:
        return Check("dialect", False, "not checked: no config was read", None)
    name = cfg.path.name
    if cfg.dialect == "postgresql":
        return Check("dialect", True, "postgresql", None)
    if "dialect" in cfg.dynamic:
        return Check("dialect", False, cfg.why_dynamic("dialect"), f"write dialect: 'postgresql' in {name}")
    if cfg.dialect is None:
        return Check("dialect", False, f"{name} has no dialect", f"add dialect: 'postgresql' to {name}")
    return Check(
        "dialect",
        False,
        f"dialect is {cfg.dialect!r}; neontui works with PostgreSQL only",
        f"set dialect: 'postgresql' in {name} (found {cfg.dialect!r})",
    )


def _url_check(project: Project | None, url: str | None) -> Check:
    if project is None:
        if url:
            return Check("database-url", True, f"--url{_host_note(url)}", None)
        return Check("database-url", False, "not checked: no config was read", None)
    cfg, origin = project.config, project.url_origin
    name = cfg.path.name
    if project.database_url:
        try:
            parse_url(project.database_url)
        except ConfigError as exc:
            return Check("database-url", False, f"{origin}: {exc.message}",
                         "use the connection string from the Neon console (postgresql://…)")
        return Check("database-url", True, f"{origin}{_host_note(project.database_url)}", None)
    if cfg.url_is_dynamic:
        return Check("database-url", False, origin, "pass --url URL")
    src = cfg.url
    if src is None:
        fix = f"add dbCredentials: {{ url: process.env.DATABASE_URL! }} to {name}"
        return Check("database-url", False, origin, fix)
    if src.literal is not None:
        return Check("database-url", False, origin, f"put a postgresql:// URL in dbCredentials.url in {name}")
    if src.host_style:
        required = [src.host_parts.get("host"), src.host_parts.get("database")]  # port, user… may stay unset
        unset = [
            r.name for r in required if isinstance(r, EnvRef) and not any(project.env.get(n) for n in r.names)
        ]
        if not unset:  # a part is missing from the config itself
            return Check("database-url", False, origin, f"add dbCredentials.host and .database to {name}")
        return Check("database-url", False, origin, f"add {unset[0]}=… to .env or export it")
    var = src.env_vars[0] if src.env_vars else "DATABASE_URL"
    return Check("database-url", False, origin, f"add {var}=postgresql://… to .env or export it")


def _host_note(url: str) -> str:
    try:
        target = parse_url(url)
    except ConfigError:
        return ""
    pooled = ", Neon pooled endpoint" if target.is_pooled else ""
    return f" ({target.display_target()}{pooled})"


def _drizzle_kit_check(root: Path, out_dir: Path | None = None) -> Check:
    from neontui.core.kit.versions import kit_versions  # versions builds on this module

    versions = kit_versions(root, out_dir)  # finds drizzle-kit and reads drizzle-orm's version once
    if versions is None:
        return Check(
            "drizzle-kit",
            False,
            f"drizzle-kit not found in node_modules of {root} or its parents",
            dev_install_command(detect_package_manager(root), "drizzle-kit"),
        )
    version, orm = versions.kit, versions.orm
    detail = f"drizzle-kit {version} in {versions.kit_path.parent.parent}"
    # drizzle-kit migrate runs the project's drizzle-orm migrator, so its version matters as much
    detail += f", drizzle-orm {orm}" if orm else ", drizzle-orm not installed (migrate needs it)"
    if not version.startswith(TESTED_DRIZZLE_KIT):
        detail += f" (neontui is tested with {TESTED_DRIZZLE_KIT[0]}x and {TESTED_DRIZZLE_KIT[1]})"
    if versions.layout_line:  # without migrations yet, the kit's version above says the line
        detail += f"; drizzle {versions.layout_line} line (from its migrations folder)"
    scripts = package_scripts(root)
    if scripts:
        manager = detect_package_manager(root)
        detail += "; scripts: " + ", ".join(f"{manager} {name}" for name in scripts.values())
    if versions.mismatch:
        return Check("drizzle-kit", False, f"{detail}; {versions.mismatch}", versions.fix)
    return Check("drizzle-kit", True, detail, None)


def drizzle_orm_version(root: Path) -> str | None:
    """The version of drizzle-orm that node would resolve from `root` (the migrator drizzle-kit migrate uses)."""
    for directory in _parents(root):
        package_json = directory / "node_modules" / "drizzle-orm" / "package.json"
        if package_json.is_file():
            return _package_version(package_json)
    return None


def package_scripts(root: Path) -> dict[str, str]:
    """drizzle-kit action → the project's package.json script that runs it (e.g. generate → db:generate)."""
    try:
        scripts = json.loads((root / "package.json").read_text(encoding="utf-8")).get("scripts") or {}
    except (OSError, ValueError, AttributeError):
        return {}
    found: dict[str, str] = {}
    for name, command in scripts.items() if isinstance(scripts, dict) else ():
        match = re.search(r"drizzle-kit\s+(generate|migrate|push|studio|check|up)\b", str(command))
        if match:
            found.setdefault(match.group(1), name)
    return found


def _node_check(environ: Mapping[str, str]) -> Check:
    fix = f"install Node.js {MIN_NODE_MAJOR} or newer (https://nodejs.org) and put `node` on PATH"
    node = shutil.which("node", path=environ.get("PATH"))
    if node is None:
        return Check("node", False, "node not found on PATH", fix)
    try:
        done = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=NODE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return Check("node", False, f"{node} --version did not answer within {NODE_TIMEOUT_S:g} s", fix)
    except OSError as exc:
        return Check("node", False, f"{node} cannot be run: {exc.strerror or exc}", fix)
    version = done.stdout.strip()
    match = re.match(r"v?(\d+)\.", version)
    if done.returncode != 0 or match is None:
        return Check("node", False, f"{node} --version failed (exit {done.returncode})", fix)
    if int(match.group(1)) < MIN_NODE_MAJOR:
        return Check("node", False, f"node {version} at {node} is too old", fix)
    return Check("node", True, f"node {version} at {node}", None)


def find_drizzle_kit(root: Path) -> tuple[Path, str] | None:
    """(node_modules/.bin/drizzle-kit, version) in `root` or the nearest parent that has it, as node resolves
    packages (monorepos hoist drizzle-kit to the workspace root). The version is "unknown" if the package's
    package.json cannot be read."""
    for directory in _parents(root):
        modules = directory / "node_modules"
        for name in _BIN_NAMES:
            bin_path = modules / ".bin" / name
            if bin_path.is_file():
                return bin_path, _package_version(modules / "drizzle-kit" / "package.json")
    return None


def _package_version(package_json: Path) -> str:
    try:
        version = json.loads(package_json.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return "unknown"
    return version if isinstance(version, str) and version else "unknown"


def detect_package_manager(root: Path) -> str:
    """The package manager ("npm", "pnpm", "yarn" or "bun"): nearest packageManager field or lockfile."""
    for directory in _parents(root, stop_at_repo_root=True):
        declared = _declared_package_manager(directory / "package.json")
        if declared:
            return declared
        for lockfile, manager in LOCKFILES:
            if (directory / lockfile).is_file():
                return manager
    return "npm"


def _declared_package_manager(package_json: Path) -> str | None:
    """The corepack `packageManager` field ("pnpm@9.1.0" → "pnpm")."""
    try:
        field = json.loads(package_json.read_text(encoding="utf-8")).get("packageManager")
    except (OSError, ValueError, AttributeError):
        return None
    name = field.split("@", 1)[0] if isinstance(field, str) else None
    return name if name in _INSTALL_DEV else None


def dev_install_command(manager: str, package: str) -> str:
    """`npm install -D drizzle-kit`, `pnpm add -D drizzle-kit`, `yarn add -D …`, `bun add -d …`."""
    return f"{_INSTALL_DEV.get(manager, _INSTALL_DEV['npm'])} {package}"


def _parents(root: Path, *, stop_at_repo_root: bool = False) -> Iterator[Path]:
    root = root.absolute()
    for directory in (root, *root.parents):
        yield directory
        if stop_at_repo_root and (directory / ".git").exists():
            return
