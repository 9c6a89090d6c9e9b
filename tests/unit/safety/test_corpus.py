"""Every corpus case reports exactly its expected findings (minus the documented known misses)."""

from __future__ import annotations

import pytest

from neontui.core.safety import RULES
from tests.safety_metrics import load_cases, reported

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case):
    assert reported(case) == case.expected - case.known_miss


def test_corpus_covers_every_core_rule_and_enough_look_alikes():
    triggered = {rule for case in CASES for rule, _, _ in case.expected - case.known_miss}
    core = {r for r, rule in RULES.items() if rule.core}
    assert core <= triggered, sorted(core - triggered)
    assert len(CASES) >= 80
    assert sum(1 for c in CASES if not c.expected) >= 30
