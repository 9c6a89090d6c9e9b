"""The rule reference (docs/rules.md) is what the catalog generates, its examples are true, and every documentation
link in neontui's code and output resolves to a file and an anchor inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from neontui.core.safety import RULES, Source, analyze
from neontui.core.safety.examples import EXAMPLES
from neontui.core.safety.reference import example_findings, main, render

ROOT = Path(__file__).resolve().parents[3]
_LINK = re.compile(r"\bdocs/([\w./-]+\.md)(?:#([\w-]+))?")


def anchors(markdown: str) -> set[str]:
    """Explicit <a id> anchors and GitHub's heading anchors (lower case, punctuation dropped, spaces to dashes)."""
    found = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    for heading in re.findall(r"^#{1,6} +(.+?) *$", markdown, re.MULTILINE):
        found.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return found


def test_docs_rules_md_is_what_the_catalog_generates():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render(), \
        "docs/rules.md is stale: run python -m neontui.core.safety.reference"


def test_the_check_mode_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "rules.md"
    stale.write_text("# an old reference\n", encoding="utf-8")
    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--output", str(stale)]) == 0
    assert main(["--check", "--output", str(stale)]) == 0


def test_every_rule_has_one_section_with_its_risk_lock_and_both_examples():
    text = render()
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    assert [s.split("\n", 1)[0] for s in sections] == list(RULES)
    for section in sections:
        for part in ("**Risk.**", "**Lock.**", "**Unsafe**", "**Safe**", "```sql"):
            assert part in section, (section.split("\n", 1)[0], part)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_the_unsafe_example_reports_the_rule_and_the_rewrite_does_not(rule_id):
    example = EXAMPLES[rule_id]
    assert example_findings(rule_id, example.unsafe, example, safe=False), "the unsafe example reports nothing"
    for number, sql in enumerate(example.safe, start=1):
        assert not example_findings(rule_id, sql, example, safe=True), f"safe migration {number} still reports it"


def test_a_findings_docs_link_names_its_section_in_the_reference():
    finding, = analyze([Source("0000_x", 'DROP TABLE "orders";')]).findings
    link = finding.to_json()["docs"]
    path, _, anchor = link.partition("#")
    assert (ROOT / path).is_file()
    assert anchor == "drop-table" and anchor in anchors((ROOT / path).read_text(encoding="utf-8"))


def test_every_docs_reference_in_the_code_resolves_inside_the_repository():
    references = [(source, match.group(1), match.group(2))
                  for source in sorted((ROOT / "neontui").rglob("*.py"))
                  for match in _LINK.finditer(source.read_text(encoding="utf-8"))]
    assert len(references) >= 25  # the comments that cite the compatibility facts and the review's model
    broken = []
    for source, document, anchor in references:
        path = ROOT / "docs" / document
        if not path.is_file() or (anchor and anchor not in anchors(path.read_text(encoding="utf-8"))):
            broken.append(f"{source.relative_to(ROOT)}: docs/{document}#{anchor}")
    assert not broken, broken


def test_no_code_cites_a_document_outside_the_repository():
    outside = re.compile(r"\b(?:drizzle|neon|console|safety-rules)\.md\b|§")
    cited = [str(p.relative_to(ROOT)) for p in (ROOT / "neontui").rglob("*.py")
             if any(outside.search(line) and "docs/" not in line
                    for line in p.read_text(encoding="utf-8").splitlines())]
    assert not cited, cited
