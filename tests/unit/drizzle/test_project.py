"""Config discovery, the static reader for drizzle.config.*, .env precedence and the --out/--url overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from neontui.core.drizzle.config_file import DrizzleConfig, UrlSource, find_config, read_config
from neontui.core.drizzle.config_reader import Dynamic, EnvRef, JsObject, parse_config_source
from neontui.core.drizzle.project import load_project
from neontui.core.errors import ConfigError
from neontui.core.redact import redact

NOT_SET = "DATABASE_URL is not set (looked in the environment, .env, .env.local)"

CANONICAL = """\
import 'dotenv/config';
import { defineConfig } from 'drizzle-kit';
export default defineConfig({
  out: './drizzle',
  schema: './src/db/schema.ts',
  dialect: 'postgresql',
  dbCredentials: { url: process.env.DATABASE_URL! },
  migrations: { table: 'my_migrations', schema: 'ops', prefix: 'timestamp' },
  breakpoints: true,
  verbose: true, strict: true,
});
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def config_ts(tmp_path: Path, body: str, name: str = "drizzle.config.ts") -> DrizzleConfig:
    return read_config(write(tmp_path / name, body))


def obj(body: str) -> str:
    """A config exporting the object literal `body` through defineConfig."""
    return f"import {{ defineConfig }} from 'drizzle-kit';\nexport default defineConfig({{{body}}});\n"


def write_url(tmp_path: Path, url_expr: str) -> Path:
    return write(
        tmp_path / "drizzle.config.ts", obj(f"dialect: 'postgresql', dbCredentials: {{ url: {url_expr} }}")
    )


def url_of(tmp_path: Path, url_expr: str) -> UrlSource:
    source = read_config(write_url(tmp_path, url_expr)).url
    assert source is not None
    return source


# --- reading the config ---------------------------------------------------------------------------


def test_canonical_config(tmp_path: Path) -> None:
    cfg = config_ts(tmp_path, CANONICAL)
    assert cfg.path == tmp_path.resolve() / "drizzle.config.ts"
    assert cfg.root == tmp_path.resolve()
    assert cfg.out == "./drizzle"
    assert cfg.out_dir == tmp_path.resolve() / "drizzle"
    assert cfg.schema == "./src/db/schema.ts"
    assert cfg.dialect == "postgresql"
    assert cfg.url == UrlSource(env_var="DATABASE_URL", literal=None, fallback=None, host_style=False)
    assert (cfg.migrations_table, cfg.migrations_schema, cfg.migrations_prefix) == (
        "my_migrations",
        "ops",
        "timestamp",
    )
    assert cfg.breakpoints is True
    assert cfg.has_migrations_key
    assert cfg.dynamic == ()


def test_defaults_when_keys_are_absent(tmp_path: Path) -> None:
    cfg = config_ts(tmp_path, obj("dialect: 'postgresql'"))
    assert cfg.out == "drizzle"
    assert cfg.out_dir == tmp_path.resolve() / "drizzle"
    assert cfg.schema is None and cfg.url is None
    assert (cfg.migrations_table, cfg.migrations_schema, cfg.migrations_prefix) == (
        "__drizzle_migrations",
        "drizzle",
        "index",
    )
    assert cfg.breakpoints is True
    assert not cfg.has_migrations_key


def test_satisfies_config_with_quotes_comments_and_trailing_commas(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        """import type { Config } from "drizzle-kit";
// out: './not-this-one',
/* dbCredentials: { url: 'postgres://nope' }, */
export default {
  "out": `./migrations`, // trailing comment with a quote ' and a brace {
  'schema': "./schema.ts",
  dialect: /* inline */ 'postgresql',
  dbCredentials: {
    url: process.env.DATABASE_URL!,
  },
  migrations: { table: "t", },
} satisfies Config;
""",
    )
    assert (cfg.out, cfg.schema, cfg.dialect, cfg.migrations_table) == (
        "./migrations",
        "./schema.ts",
        "postgresql",
        "t",
    )
    assert cfg.url is not None and cfg.url.env_var == "DATABASE_URL"
    assert cfg.dynamic == ()


def test_typed_const_then_export_default(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        """import type { Config } from 'drizzle-kit';
const config: Config = {
  out: './db/migrations',
  dialect: 'postgresql',
  dbCredentials: { url: process.env.DATABASE_URL as string },
};
export default config;
""",
    )
    assert cfg.out == "./db/migrations"
    assert cfg.url is not None and cfg.url.env_var == "DATABASE_URL"


@pytest.mark.parametrize("name", ["drizzle.config.js", "drizzle.config.cjs"])
def test_module_exports(tmp_path: Path, name: str) -> None:
    cfg = config_ts(
        tmp_path,
        """require('dotenv').config();
/** @type { import("drizzle-kit").Config } */
module.exports = {
  out: './out',
  dialect: 'postgresql',
  dbCredentials: { url: process.env.DATABASE_URL },
};
""",
        name,
    )
    assert cfg.path.name == name
    assert cfg.out == "./out"
    assert cfg.url is not None and cfg.url.env_var == "DATABASE_URL"


def test_define_config_as_config_without_semicolons(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        """import { defineConfig, type Config } from 'drizzle-kit'
const OUT = './generated'
export default defineConfig({
  out: OUT,
  dialect: 'postgresql',
  dbCredentials: { url: process.env.DATABASE_URL ?? '' }
}) as Config
""",
    )
    assert cfg.out == "./generated"
    assert cfg.url is not None
    assert (cfg.url.env_var, cfg.url.fallback) == ("DATABASE_URL", "")


@pytest.mark.parametrize(
    ("expr", "env_var", "fallback", "if_empty"),
    [
        ('process.env["DIRECT_URL"]', "DIRECT_URL", None, False),
        ("process.env['DIRECT_URL']!", "DIRECT_URL", None, False),
        ("process.env.DATABASE_URL ?? ''", "DATABASE_URL", "", False),
        (
            "process.env.DATABASE_URL || 'postgres://localhost/dev'",
            "DATABASE_URL",
            "postgres://localhost/dev",
            True,
        ),
        ("String(process.env.X)", "X", None, False),
        ("process.env.X as string", "X", None, False),
        ("(process.env.X as string)", "X", None, False),
        ("process.env?.X", "X", None, False),
        ("`${process.env.X}`", None, None, False),
    ],
)
def test_url_expressions(
    tmp_path: Path, expr: str, env_var: str | None, fallback: str | None, if_empty: bool
) -> None:
    cfg = config_ts(tmp_path, obj(f"dbCredentials: {{ url: {expr} }}"))
    if env_var is None:
        assert cfg.url is None and cfg.url_is_dynamic and "dbCredentials.url" in cfg.dynamic
        return
    assert cfg.url is not None
    assert (cfg.url.env_var, cfg.url.fallback, cfg.url.fallback_if_empty) == (env_var, fallback, if_empty)


def test_env_chain_keeps_every_variable(tmp_path: Path) -> None:
    source = url_of(tmp_path, "process.env.DATABASE_URL_UNPOOLED ?? process.env.DATABASE_URL!")
    assert source.env_vars == ("DATABASE_URL_UNPOOLED", "DATABASE_URL")


def test_schema_array_and_breakpoints_false(tmp_path: Path) -> None:
    cfg = config_ts(tmp_path, obj("schema: ['./a.ts', './b.ts',], breakpoints: false"))
    assert cfg.schema == ["./a.ts", "./b.ts"]
    assert cfg.breakpoints is False


def test_literal_url(tmp_path: Path) -> None:
    source = url_of(tmp_path, "'postgresql://app:lit3ralpw@ep-x.neon.tech/db?sslmode=require'")
    assert source.literal == "postgresql://app:lit3ralpw@ep-x.neon.tech/db?sslmode=require"
    assert source.env_var is None and not source.host_style
    assert "lit3ralpw" not in redact("connecting with lit3ralpw")  # registered as a secret


def test_host_style_credentials(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        obj(
            "dialect: 'postgresql', dbCredentials: { host: process.env.PGHOST!, port: 5433, user: 'app',"
            " password: 'h0stpass', database: 'shop', ssl: true }"
        ),
    )
    assert cfg.url is not None and cfg.url.host_style
    assert cfg.url.host_parts["host"] == EnvRef("PGHOST")
    assert cfg.url.host_parts["port"] == 5433
    assert cfg.url.env_vars == ("PGHOST",)
    assert "h0stpass" not in repr(cfg)
    assert redact("h0stpass") == "****"
    project = load_project(tmp_path, environ={"PGHOST": "db.example.com"})
    assert project.database_url == "postgresql://app:h0stpass@db.example.com:5433/shop?sslmode=require"
    assert project.url_origin == "host-style dbCredentials in drizzle.config.ts (PGHOST from the environment)"


def test_host_style_missing_host_variable(tmp_path: Path) -> None:
    write(tmp_path / "drizzle.config.ts", obj("dbCredentials: { host: process.env.PGHOST, database: 'd' }"))
    project = load_project(tmp_path, environ={})
    assert project.database_url is None
    assert project.url_origin == "PGHOST is not set (looked in the environment, .env, .env.local)"


def test_host_style_socket_and_quoting(tmp_path: Path) -> None:
    write(
        tmp_path / "drizzle.config.ts",
        obj(
            "dbCredentials: { host: '/var/run/postgresql', user: 'me', password: 'p@ss/w',"
            " database: 'my db' }"
        ),
    )
    url = load_project(tmp_path, environ={}).database_url
    assert url == "postgresql://me:p%40ss%2Fw@/my%20db?host=%2Fvar%2Frun%2Fpostgresql"


def test_json_config(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        '{"out": "./mig", "dialect": "postgresql", "schema": ["a.ts"], "dbCredentials": {"url": "postgres://h/db"},'
        ' "migrations": {"schema": "ops"}}',
        "drizzle.config.json",
    )
    assert (cfg.out, cfg.schema, cfg.migrations_schema, cfg.migrations_table) == (
        "./mig",
        ["a.ts"],
        "ops",
        "__drizzle_migrations",
    )
    assert cfg.url is not None and cfg.url.literal == "postgres://h/db"


@pytest.mark.parametrize("name", ["drizzle.config.mts", "drizzle.config.mjs"])
def test_esm_extensions(tmp_path: Path, name: str) -> None:
    cfg = config_ts(tmp_path, "export default { out: './m', dialect: 'postgresql' }\n", name)
    assert cfg.out == "./m"


def test_export_as_default_and_shorthand_and_known_spread(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        """const out = "./shared";
const base = { dialect: 'postgresql', migrations: { table: 'base_t' } };
const config = { ...base, out, schema: './s.ts' };
export { config as default };
""",
    )
    assert (cfg.out, cfg.dialect, cfg.migrations_table, cfg.dynamic) == (
        "./shared",
        "postgresql",
        "base_t",
        (),
    )


def test_strings_and_regexes_do_not_confuse_the_reader(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        r"""const re = /["'{]/g; const s = 'out: "./wrong" } \' {';
export default defineConfig({
  tablesFilter: ['!libsql_*', "it's"],
  out: './right', // out: './wrong'
  dialect: 'postgresql',
});
""",
    )
    assert cfg.out == "./right" and cfg.dynamic == ()


def test_dynamic_values_are_marked_not_guessed(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path,
        """import path from 'node:path';
import { env } from './env';
export default defineConfig({
  out: path.join(__dirname, 'drizzle'),
  schema: `${root}/schema.ts`,
  dialect: env.DIALECT,
  dbCredentials: { url: getUrl() },
  migrations: { table: process.env.TABLE, schema: 'ops' },
  breakpoints: isProd ? false : true,
});
""",
    )
    assert set(cfg.dynamic) == {
        "out",
        "schema",
        "dialect",
        "dbCredentials.url",
        "migrations.table",
        "breakpoints",
    }
    assert cfg.out == "drizzle" and cfg.migrations_schema == "ops"
    assert cfg.why_dynamic("dbCredentials.url").endswith("(a call to getUrl())")


def test_unknown_spread_makes_earlier_and_missing_keys_dynamic(tmp_path: Path) -> None:
    cfg = config_ts(tmp_path, obj("out: './before', ...shared, dialect: 'postgresql'"))
    assert cfg.dialect == "postgresql"  # written after the spread: it wins
    assert "out" in cfg.dynamic and "migrations.table" in cfg.dynamic and cfg.url_is_dynamic
    assert "spread of shared" in cfg.why_dynamic("out")


def test_non_literal_other_keys_are_ignored(tmp_path: Path) -> None:
    cfg = config_ts(
        tmp_path, obj("out: './m', casing: getCasing(), extensionsFilters: [...ext], verbose: !quiet")
    )
    assert cfg.out == "./m" and cfg.dynamic == ()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("import { defineConfig } from 'drizzle-kit';\nconst x = defineConfig({});\n", "no default export"),
        ("export default getConfig();\n", "no object literal found"),
        ("export default defineConfig({ out: 'a", "drizzle.config.ts:1:36: syntax error: unterminated string"),
        ("export default {\n out: 'a',\n /* never closed\n", "config.ts:3:2: syntax error: unterminated comment"),
        (obj("migrations: { prefix: 'weekly' }"), "migrations.prefix must be one of"),
        (obj("out: 42"), "out must be a string, found a number"),
        (obj("dbCredentials: 'postgres://x'"), "dbCredentials must be an object"),
        ("export default {a: " + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ],
)
def test_unreadable_configs_name_the_file(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path / "drizzle.config.ts", text)
    with pytest.raises(ConfigError) as err:
        read_config(path)
    assert fragment in err.value.message
    assert str(path.resolve()) in err.value.message


def test_malformed_json_config(tmp_path: Path) -> None:
    path = write(tmp_path / "drizzle.config.json", '{\n  "out": "./m",\n  "dialect": postgresql\n}')
    with pytest.raises(ConfigError) as err:
        read_config(path)
    assert "drizzle.config.json" in err.value.message
    assert "invalid JSON at line 3:14" in err.value.message


def test_json_config_must_be_an_object(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a JSON object"):
        read_config(write(tmp_path / "drizzle.config.json", "[1]"))


def test_parse_config_source_value_model() -> None:
    value = parse_config_source("module.exports = { a: [1, -2.5, null, undefined, true], b: { c: x() } }")
    assert isinstance(value, JsObject)
    assert value["a"] == [1, -2.5, None, None, True]
    assert value["b"] == {"c": Dynamic("a call to x()")}


# --- discovery ------------------------------------------------------------------------------------


def test_find_config_in_start(tmp_path: Path) -> None:
    path = write(tmp_path / "drizzle.config.ts", "")
    assert find_config(tmp_path) == path.resolve()


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (["drizzle.config.json", "drizzle.config.js", "drizzle.config.ts"], "drizzle.config.ts"),
        (["drizzle.config.js", "drizzle.config.mts"], "drizzle.config.mts"),
        (["drizzle.config.cjs", "drizzle.config.mjs"], "drizzle.config.mjs"),
        (["drizzle.config.json", "drizzle.config.cjs"], "drizzle.config.cjs"),
    ],
)
def test_preference_order(tmp_path: Path, present: list[str], expected: str) -> None:
    for name in present:
        write(tmp_path / name, "")
    assert find_config(tmp_path).name == expected


def test_walks_up_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    path = write(tmp_path / "drizzle.config.ts", "")
    deep = tmp_path / "src" / "db"
    deep.mkdir(parents=True)
    assert find_config(deep) == path.resolve()


@pytest.mark.parametrize("git_is_file", [False, True])
def test_stops_at_the_repository_root(tmp_path: Path, git_is_file: bool) -> None:
    write(tmp_path / "drizzle.config.ts", "")  # outside the repository: must not be picked
    repo = tmp_path / "repo"
    repo.mkdir()
    if git_is_file:  # worktrees and submodules have a .git file
        write(repo / ".git", "gitdir: /elsewhere\n")
    else:
        (repo / ".git").mkdir()
    (repo / "src").mkdir()
    with pytest.raises(ConfigError) as err:
        find_config(repo / "src")
    assert err.value.message == (
        f"no drizzle.config.(ts|mts|js|mjs|cjs|json) found in {(repo / 'src').resolve()}, "
        "its parents up to the repository root, or packages/*, apps/*"
    )
    assert err.value.hint == "run neontui in your Drizzle project or pass --config PATH"


@pytest.mark.parametrize("group", ["packages", "apps"])
def test_monorepo_single_candidate(tmp_path: Path, group: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / group / "web").mkdir(parents=True)
    path = write(tmp_path / group / "db" / "drizzle.config.ts", "")
    assert find_config(tmp_path) == path.resolve()


def test_monorepo_several_candidates(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "packages" / "db" / "drizzle.config.ts", "")
    write(tmp_path / "apps" / "api" / "drizzle.config.json", "")
    with pytest.raises(ConfigError) as err:
        find_config(tmp_path)
    assert "packages/db/drizzle.config.ts" in err.value.message
    assert "apps/api/drizzle.config.json" in err.value.message
    assert err.value.hint is not None and "--config" in err.value.hint


def test_start_may_be_the_config_file(tmp_path: Path) -> None:
    path = write(tmp_path / "custom.drizzle.ts", obj("out: './x'"))
    assert find_config(path) == path.resolve()
    assert load_project(path, environ={}).config.out == "./x"


def test_config_option_file_dir_and_missing(tmp_path: Path) -> None:
    path = write(tmp_path / "db" / "drizzle.config.ts", obj("out: './x'"))
    assert load_project(tmp_path, config=path, environ={}).config.path == path.resolve()
    assert load_project(tmp_path, config=path.parent, environ={}).config.path == path.resolve()
    with pytest.raises(ConfigError, match="does not exist"):
        load_project(tmp_path, config=tmp_path / "nope.ts", environ={})


# --- environment and overrides --------------------------------------------------------------------


@pytest.fixture
def env_project(tmp_path: Path) -> Path:
    write(tmp_path / "drizzle.config.ts", CANONICAL)
    return tmp_path


def test_url_from_dotenv(env_project: Path) -> None:
    write(env_project / ".env", "DATABASE_URL=postgresql://u:envpw1@h/db\n")
    project = load_project(env_project, environ={})
    assert project.database_url == "postgresql://u:envpw1@h/db"
    assert project.url_origin == "DATABASE_URL from .env"
    assert project.env_files == (env_project.resolve() / ".env",)


def test_env_local_overrides_env(env_project: Path) -> None:
    write(env_project / ".env", "DATABASE_URL=postgresql://h/from-env\nONLY_ENV=1\n")
    write(env_project / ".env.local", "DATABASE_URL=postgresql://h/from-local\n")
    project = load_project(env_project, environ={})
    assert project.database_url == "postgresql://h/from-local"
    assert project.url_origin == "DATABASE_URL from .env.local"
    assert project.env["ONLY_ENV"] == "1"
    assert [p.name for p in project.env_files] == [".env", ".env.local"]


def test_real_environment_wins(env_project: Path) -> None:
    write(env_project / ".env", "DATABASE_URL=postgresql://h/from-env\n")
    write(env_project / ".env.local", "DATABASE_URL=postgresql://h/from-local\n")
    project = load_project(env_project, environ={"DATABASE_URL": "postgresql://h/real"})
    assert project.database_url == "postgresql://h/real"
    assert project.url_origin == "DATABASE_URL from the environment"


def test_default_environ_is_os_environ_and_is_not_written(
    env_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://h/os")
    write(env_project / ".env", "EXTRA_FROM_DOTENV=1\n")
    assert load_project(env_project).database_url == "postgresql://h/os"
    assert "EXTRA_FROM_DOTENV" not in os.environ


def test_no_interpolation_like_drizzle_kit(env_project: Path) -> None:
    # drizzle-kit's bundled dotenv keeps ${VAR} as written; neontui must see the same value.
    write(env_project / ".env", "HOST=h\nDATABASE_URL=postgresql://${HOST}/db\n")
    assert load_project(env_project, environ={}).database_url == "postgresql://${HOST}/db"


def test_variable_not_set(env_project: Path) -> None:
    project = load_project(env_project, environ={})
    assert project.database_url is None
    assert project.url_origin == NOT_SET


def test_empty_variable_is_reported(env_project: Path) -> None:
    write(env_project / ".env", "DATABASE_URL=\n")
    project = load_project(env_project, environ={})
    assert project.database_url is None
    assert project.url_origin == "DATABASE_URL is empty (in .env)"


def test_fallbacks(tmp_path: Path) -> None:
    url_of(tmp_path, "process.env.DATABASE_URL || 'postgres://localhost/dev'")
    assert load_project(tmp_path, environ={}).url_origin == "fallback in drizzle.config.ts"
    assert load_project(tmp_path, environ={"DATABASE_URL": ""}).database_url == "postgres://localhost/dev"
    url_of(tmp_path, "process.env.DATABASE_URL ?? 'postgres://localhost/dev'")
    assert load_project(tmp_path, environ={"DATABASE_URL": ""}).database_url is None  # ?? keeps ""
    url_of(tmp_path, "process.env.DATABASE_URL ?? ''")
    assert load_project(tmp_path, environ={}).url_origin == NOT_SET


def test_env_chain_resolution(tmp_path: Path) -> None:
    url_of(tmp_path, "process.env.DATABASE_URL_UNPOOLED ?? process.env.DATABASE_URL!")
    project = load_project(tmp_path, environ={"DATABASE_URL": "postgresql://h/pooled"})
    assert (project.database_url, project.url_origin) == (
        "postgresql://h/pooled",
        "DATABASE_URL from the environment",
    )
    assert load_project(tmp_path, environ={}).url_origin == (
        "DATABASE_URL_UNPOOLED and DATABASE_URL are not set (looked in the environment, .env, .env.local)"
    )


def test_literal_url_origin(tmp_path: Path) -> None:
    url_of(tmp_path, "'postgresql://h/lit'")
    project = load_project(tmp_path, environ={"DATABASE_URL": "postgresql://h/ignored"})
    assert (project.database_url, project.url_origin) == (
        "postgresql://h/lit",
        "literal in drizzle.config.ts",
    )


def test_no_credentials(tmp_path: Path) -> None:
    write(tmp_path / "drizzle.config.ts", obj("dialect: 'postgresql'"))
    project = load_project(tmp_path, environ={})
    assert project.database_url is None and project.url_origin.startswith("not set")


def test_dynamic_url_is_not_an_error(tmp_path: Path) -> None:
    write_url(tmp_path, "getUrl()")
    project = load_project(tmp_path, environ={"DATABASE_URL": "postgresql://h/db"})
    assert project.database_url is None
    assert project.url_origin == "could not be read statically from drizzle.config.ts (pass --url)"
    overridden = load_project(tmp_path, url="postgresql://h/flag", environ={})
    assert (overridden.database_url, overridden.url_origin) == ("postgresql://h/flag", "--url")


def test_url_flag_overrides_everything(env_project: Path) -> None:
    write(env_project / ".env", "DATABASE_URL=postgresql://h/from-env\n")
    project = load_project(env_project, url="postgresql://u:flagpw99@h/flag", environ={"DATABASE_URL": "x"})
    assert (project.database_url, project.url_origin) == ("postgresql://u:flagpw99@h/flag", "--url")
    assert "flagpw99" not in redact("flagpw99 leaked")


def test_dynamic_out_needs_the_flag(tmp_path: Path) -> None:
    write(tmp_path / "drizzle.config.ts", obj("out: resolveOut(), dialect: 'postgresql'"))
    with pytest.raises(ConfigError) as err:
        load_project(tmp_path, environ={})
    expected = "out could not be read statically from drizzle.config.ts (a call to resolveOut())"
    assert expected in err.value.message
    assert "--out DIR" in err.value.one_line()
    project = load_project(tmp_path, out="db/migrations", environ={})
    assert project.out_dir == tmp_path.resolve() / "db" / "migrations"
    assert project.config.out == "db/migrations" and "out" not in project.config.dynamic


def test_out_flag_overrides_a_literal(env_project: Path) -> None:
    project = load_project(env_project, out="../elsewhere", environ={})
    assert project.out_dir == env_project.resolve().parent / "elsewhere"


def test_ledger_names(env_project: Path, tmp_path: Path) -> None:
    project = load_project(env_project, environ={})
    assert (project.ledger_schema, project.ledger_table) == ("ops", "my_migrations")
    other = tmp_path / "other"
    write(other / "drizzle.config.ts", obj("migrations: { table: TABLE, schema: 'ops' }"))
    dynamic = load_project(other, environ={})
    assert dynamic.ledger_schema == "ops"
    with pytest.raises(ConfigError, match=r"migrations\.table could not be read statically"):
        _ = dynamic.ledger_table


# --- secrets --------------------------------------------------------------------------------------

SECRET = "s3cr3t-Passw0rd"


def test_literal_password_never_shown(tmp_path: Path) -> None:
    url_of(tmp_path, f"'postgresql://app:{SECRET}@ep-cool.neon.tech/neondb'")
    project = load_project(tmp_path, environ={})
    assert project.database_url is not None and SECRET in project.database_url
    for text in (repr(project), str(project), repr(project.config), project.url_origin):
        assert SECRET not in text


def test_fallback_password_never_shown(tmp_path: Path) -> None:
    url_of(tmp_path, f"process.env.DATABASE_URL || 'postgresql://app:{SECRET}x@localhost/dev'")
    project = load_project(tmp_path, environ={})
    assert SECRET not in repr(project) and SECRET not in project.url_origin
    assert SECRET not in redact(f"{SECRET}x")


def test_env_password_never_shown(env_project: Path) -> None:
    write(env_project / ".env", f"DATABASE_URL=postgresql://app:{SECRET}e@h/db\n")
    project = load_project(env_project, environ={})
    assert f"{SECRET}e" not in repr(project)
    assert redact(f"error near {SECRET}e") == "error near ****"


def test_password_not_in_config_errors(tmp_path: Path) -> None:
    write(
        tmp_path / "drizzle.config.ts",
        obj(f"dbCredentials: {{ url: 'postgresql://app:{SECRET}@h/db' }}, migrations: {{ prefix: 'bad' }}"),
    )
    with pytest.raises(ConfigError) as err:
        load_project(tmp_path, environ={})
    assert SECRET not in err.value.one_line()
    creds = f"dbCredentials: {{ url: 'postgresql://app:{SECRET}@h/db' }}"
    write(tmp_path / "drizzle.config.ts", obj(f"{creds}, out: x"))
    with pytest.raises(ConfigError) as err:
        load_project(tmp_path, environ={})
    assert SECRET not in err.value.one_line()
