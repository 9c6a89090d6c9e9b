"""`neontui lint --format sarif` and `--format markdown`: the pull-request outputs, as a CI job runs them.

Every SARIF log is checked against the SARIF 2.1.0 schema and, where said, by Microsoft's SARIF Multitool's
validator, both from the pinned npm fixture (tests/sarif_check.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from neontui import __version__
from neontui.cli.lint_output import COMMENT_LIMIT, docs_base, markdown, rule_url, sarif
from neontui.core.actions.lint import lint
from neontui.core.safety import RULES
from tests.factories import sql_project
from tests.helpers import neontui
from tests.sarif_check import check_schema, multitool_findings

pytestmark = pytest.mark.sarif

B = "--> statement-breakpoint\n"
DROP = 'ALTER TABLE "users" DROP COLUMN "legacy";\n'
SUPPRESSED = '-- neontui-ignore: drop-table\nDROP TABLE "old_audit";\n'
INDEX = 'CREATE INDEX "users_email_idx" ON "users" ("email");\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_sarif(cwd: Path, *paths: str) -> tuple[dict[str, Any], int]:
    result = neontui("lint", *paths, "--format", "sarif", cwd=cwd)
    assert result.stderr == "", result.stderr
    log = json.loads(result.stdout)
    check_schema(log)
    return log, result.returncode


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return log["runs"][0]["results"]


def fingerprint(result: dict[str, Any]) -> str:
    return result["partialFingerprints"]["primaryLocationLineHash"]


def exit_code(cwd: Path, path: str, fmt: str) -> int:
    return neontui("lint", path, "--format", fmt, cwd=cwd).returncode


def test_sarif_validates_and_names_rules_lines_and_suppressions(tmp_path):
    write(tmp_path / "0001_drop.sql", DROP + B + SUPPRESSED)
    log, code = run_sarif(tmp_path, "0001_drop.sql")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], log["version"]) == ("neontui", __version__, "2.1.0")
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    found = results(log)
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]) for r in found] == [
        ("drop-column", "warning", {"startLine": 1, "startColumn": 1}),
        ("drop-table", "warning", {"startLine": 4, "startColumn": 1})]
    for result in found:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
            "uri": "0001_drop.sql", "uriBaseId": "%SRCROOT%"}
    assert "suppressions" not in found[0]
    assert found[1]["suppressions"] == [{"kind": "inSource", "justification": "-- neontui-ignore: drop-table"}]
    assert found[0]["message"]["text"] == ('DROP COLUMN "legacy" deletes its data from "users". Lock: ACCESS '
                                           'EXCLUSIVE on "users" (brief); blocks reads and writes of "users".')
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert code == exit_code(tmp_path, "0001_drop.sql", "text") == 0  # warnings only
    # The SARIF SDK's validator: no errors; its one warning asks for the tool's informationUri, which neontui
    # gives only when the package names a published docs address (docs_base), never a link that leads nowhere.
    expected = [] if docs_base() else [("SARIF2005", "warning", "runs[0].tool.driver: The tool 'neontui' does not "
                                        "provide 'informationUri'. This property helps the developer responsible "
                                        "for addessing a result by providing a way to learn more about the tool.")]
    assert multitool_findings(log, tmp_path) == expected


def test_sarif_rules_fit_code_scanning(tmp_path):
    """GitHub's limits on a reportingDescriptor: name ≤ 255, short and full description ≤ 1024 characters; the
    rule's help is its safe alternative, its properties the danger class and squawk's names."""
    write(tmp_path / "a.sql", DROP)
    log, _ = run_sarif(tmp_path, "a.sql")
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for rule in rules.values():
        assert len(rule["name"]) <= 255 and len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule.get("helpUri") == rule_url(rule["id"], docs_base())
    drop = rules["drop-column"]
    assert drop["fullDescription"]["text"] == RULES["drop-column"].explanation
    assert RULES["drop-column"].help in drop["help"]["text"] and "```sql" in drop["help"]["markdown"]
    assert drop["defaultConfiguration"] == {"level": "warning"}
    assert drop["properties"]["danger"] == "data-loss" and drop["properties"]["squawk"] == ["ban-drop-column"]
    assert rules["syntax-error"]["defaultConfiguration"] == {"level": "error"}
    assert {r["defaultConfiguration"]["level"] for r in rules.values()} == {"error", "warning", "note"}


def test_sarif_fingerprints_follow_the_statement_not_its_line(tmp_path):
    path = write(tmp_path / "0002_x.sql", DROP + B + 'ALTER TABLE "users" DROP COLUMN "nickname";\n')
    before, _ = run_sarif(tmp_path, path.name)
    write(path, '-- a comment\n\nCREATE TABLE "notes" ("id" integer);\n' + B + "\n\n  " + DROP.replace(" ", "  ")
          + B + 'ALTER TABLE "users" DROP COLUMN "nickname";\n')
    after, _ = run_sarif(tmp_path, path.name)
    lines = [[r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results(log)]
             for log in (before, after)]
    assert lines == [[1, 3], [7, 9]]
    assert [fingerprint(r) for r in results(before)] == [fingerprint(r) for r in results(after)]
    assert len({fingerprint(r) for r in results(before)}) == 2  # two columns: two alerts


def test_fingerprints_tell_statements_of_one_chunk_apart(tmp_path):
    """A hand-written file without breakpoints is one chunk: each finding hashes its own statement, and a statement
    added before them changes neither."""
    two = 'ALTER TABLE "users" DROP COLUMN "a";\nALTER TABLE "users" DROP COLUMN "b";\n'
    path = write(tmp_path / "hand.sql", two)
    before, _ = run_sarif(tmp_path, path.name)
    write(path, 'CREATE TABLE "t" ("id" integer);\n' + two)
    after, _ = run_sarif(tmp_path, path.name)
    assert [r["ruleId"] for r in results(after)] == ["drop-column", "drop-column"]
    assert [fingerprint(r) for r in results(before)] == [fingerprint(r) for r in results(after)]
    assert fingerprint(results(before)[0]) != fingerprint(results(before)[1])


def test_fingerprints_after_non_ascii_text_hash_the_statement_itself(tmp_path):
    """The lexer counts characters: a statement after "ééééé" in the same chunk hashes as it does after "aaaaa"."""
    path = write(tmp_path / "hand.sql", "UPDATE \"t\" SET \"a\" = 'aaaaa' WHERE \"id\" = 1;\nDROP TABLE \"x\";\n")
    ascii_log, _ = run_sarif(tmp_path, path.name)
    write(path, "UPDATE \"t\" SET \"a\" = 'ééééé' WHERE \"id\" = 1;\nDROP TABLE \"x\";\n")
    accented, _ = run_sarif(tmp_path, path.name)
    assert [r["ruleId"] for r in results(accented)] == ["drop-table"]
    assert fingerprint(results(ascii_log)[0]) == fingerprint(results(accented)[0])


def test_sarif_columns_count_code_points(tmp_path):
    """😀 is one code point, two UTF-16 units and four UTF-8 bytes: DROP starts at code point 18."""
    write(tmp_path / "a.sql", 'SELECT 1 AS "😀"; DROP TABLE "x";\n')
    log, _ = run_sarif(tmp_path, "a.sql")
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"
    assert [r["locations"][0]["physicalLocation"]["region"] for r in results(log)] == [
        {"startLine": 1, "startColumn": 18}]


def test_sarif_for_a_clean_file_and_a_syntax_error(tmp_path):
    write(tmp_path / "clean.sql", 'CREATE TABLE "t" ("id" integer);\n')
    clean, code = run_sarif(tmp_path, "clean.sql")
    assert results(clean) == [] and code == 0
    write(tmp_path / "broken.sql", 'ALTER TABLE "users" ADD COLUMN;\n')
    broken, code = run_sarif(tmp_path, "broken.sql")
    assert [(r["ruleId"], r["level"]) for r in results(broken)] == [("syntax-error", "error")]
    assert code == exit_code(tmp_path, "broken.sql", "text") == 1


def test_sarif_uri_is_relative_to_the_repository_root(tmp_path):
    (tmp_path / ".git").mkdir()  # what source_root looks for: the work tree's top
    write(tmp_path / "db" / "0001 drop.sql", DROP)
    (tmp_path / "tools").mkdir()
    log, _ = run_sarif(tmp_path / "tools", "../db/0001 drop.sql")
    assert results(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "db/0001%20drop.sql", "uriBaseId": "%SRCROOT%"}


def test_info_findings_only_with_advisory(tmp_path):
    write(tmp_path / "a.sql", 'CREATE TABLE "t" ("id" serial PRIMARY KEY, "name" varchar(20));\n')
    plain, _ = run_sarif(tmp_path, "a.sql")
    assert results(plain) == []
    advisory = neontui("lint", "a.sql", "--format", "sarif", "--advisory", cwd=tmp_path)
    found = results(json.loads(advisory.stdout))
    assert found and {r["level"] for r in found} == {"note"}
    text = neontui("lint", "a.sql", "--format", "markdown", "--advisory", cwd=tmp_path).stdout
    assert "0 error(s), 0 warning(s), " in text and f"{len(found)} info" in text and "**info**" in text
    assert "**info**" not in neontui("lint", "a.sql", "--format", "markdown", cwd=tmp_path).stdout


def test_markdown_groups_findings_by_migration(tmp_path):
    write(tmp_path / "0001_index.sql", INDEX)
    write(tmp_path / "0002_drop.sql", DROP + B + SUPPRESSED)
    result = neontui("lint", "0001_index.sql", "0002_drop.sql", "--format", "markdown", cwd=tmp_path)
    text = result.stdout
    assert text.splitlines()[0] == ("### :warning: neontui lint: 0 error(s), 2 warning(s), 1 suppressed · "
                                    "2 migration(s), 3 statement(s) reviewed")
    first, second = text.index("#### `0001_index.sql`"), text.index("#### `0002_drop.sql`")
    index_finding = text.index("**warning** `create-index-non-concurrent` at `0001_index.sql:1`")
    drop_finding = text.index("**warning** `drop-column` at `0002_drop.sql:1`")
    suppressed = text.index("**1 suppressed finding(s):**")
    assert first < index_finding < second < drop_finding < suppressed
    assert "- **Lock:** SHARE on \"users\"; blocks " in text
    assert f"- **Risk:** {RULES['create-index-non-concurrent'].explanation}" in text
    rewrite = 'CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");'
    assert re.search(r"\n```sql\n(--[^\n]*\n)*" + re.escape(rewrite) + r"\n```\n", text)
    assert "- warning `drop-table` at `0002_drop.sql:4` by `-- neontui-ignore: drop-table`" in text
    assert text.count("#### ") == 2  # a suppressed finding's migration gets no heading of its own
    assert result.returncode == exit_code(tmp_path, "0002_drop.sql", "text") == 0


def test_a_migrations_folder_says_what_schema_it_was_reviewed_against(tmp_path):
    sql_project(tmp_path, {"0000_init": b'CREATE TABLE "users" ("id" serial PRIMARY KEY, "legacy" text);',
                           "0001_drop": DROP.encode()})
    text = neontui("lint", "drizzle", "--format", "markdown", cwd=tmp_path).stdout
    assert text.splitlines()[2] == ("Reviewed against: the schema before each migration (drizzle's snapshots and "
                                    "the earlier migrations' SQL)")
    assert "#### `drizzle/0001_drop.sql`\n\n**warning** `drop-column` at `drizzle/0001_drop.sql:1`" in text
    log, _ = run_sarif(tmp_path, "drizzle")
    assert log["runs"][0]["properties"]["schemaOrigin"].startswith("the schema before each migration")
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results(log)] == [
        "drizzle/0001_drop.sql"]


def test_markdown_escapes_what_markdown_would_format(tmp_path):
    write(tmp_path / "a.sql", 'DROP TABLE "x_*y*_<b>|`$1`";\n')
    text = neontui("lint", "a.sql", "--format", "markdown", cwd=tmp_path).stdout
    message = next(line for line in text.splitlines() if line.startswith("**warning**"))
    assert r"x\_\*y\*\_\<b\>\|\`\$1\`" in message and "<b>" not in text


def test_markdown_no_findings_and_syntax_errors(tmp_path):
    write(tmp_path / "clean.sql", 'CREATE TABLE "t" ("id" integer);\n')
    clean = neontui("lint", "clean.sql", "--format", "markdown", cwd=tmp_path)
    assert clean.stdout == ("### :white_check_mark: neontui lint: No findings · 1 migration(s), 1 statement(s) "
                            "reviewed\n\nNo findings.\n") and clean.returncode == 0
    write(tmp_path / "broken.sql", 'ALTER TABLE "users" ADD COLUMN;\n')
    broken = neontui("lint", "broken.sql", "--format", "markdown", cwd=tmp_path)
    assert broken.stdout.startswith("### :x: neontui lint: 1 error(s), 0 warning(s), 0 suppressed")
    assert "**error** `syntax-error` at `broken.sql:1`" in broken.stdout and broken.returncode == 1


def test_markdown_stays_under_the_comment_limit(tmp_path):
    columns = 600
    write(tmp_path / "big.sql", "".join(f'ALTER TABLE "users" DROP COLUMN "c{i}";\n' for i in range(columns)))
    text = neontui("lint", "big.sql", "--format", "markdown", cwd=tmp_path).stdout
    assert len(text.encode("utf-16-le")) // 2 <= COMMENT_LIMIT
    shown = text.count("**warning** `drop-column`")
    note = re.search(r"\*\*(\d+) more finding\(s\) not shown:\*\* a pull-request comment holds at most 65,536", text)
    assert note and 0 < shown < columns and shown + int(note[1]) == columns
    assert "--format text" in text.splitlines()[-1]


@pytest.mark.parametrize("fmt", ["sarif", "markdown"])
def test_rule_links_lead_to_the_rule_reference(tmp_path, fmt):
    """With a published docs URL (the package's Documentation project URL), each rule links to its section of
    docs/rules.md; reference.py heads each section `## <rule id>`, which GitHub anchors as the id itself."""
    write(tmp_path / "a.sql", DROP)
    linted = lint([tmp_path / "a.sql"])
    docs = "https://docs.example/neontui/docs/"
    url = "https://docs.example/neontui/docs/rules.md#drop-column"
    reference = (Path(__file__).parents[3] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "\n## drop-column\n" in reference
    if fmt == "sarif":
        log = sarif(linted.review, linted.review.findings, linted.sources, {}, docs=docs)
        rule = log["runs"][0]["tool"]["driver"]["rules"][list(RULES).index("drop-column")]
        assert rule["helpUri"] == url and f"[Rule reference]({url})" in rule["help"]["markdown"]
        assert log["runs"][0]["tool"]["driver"]["informationUri"] == docs
        check_schema(log)
        assert multitool_findings(log, tmp_path) == []
    else:
        text = markdown(linted.review, linted.review.findings, {}, show_info=False, docs=docs)
        assert f"[`drop-column`]({url})" in text
