"""SARIF 2.1.0 checks for neontui's `--format sarif`, from Microsoft's SARIF Multitool (npm
`@microsoft/sarif-multitool-linux`, pinned in tests/sarif_fixture with its lockfile): the JSON schema it ships, and
its `validate` command, which also applies the SARIF SDK's own rules (SARIF1xxx errors, SARIF2xxx advice).

The multitool's validator does not check the schema itself (a result level of "bad" passes it), so both are used:
the schema for structure, the validator for what the schema cannot say.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema

from tests.drizzle_env import node_modules

VALIDATE_TIMEOUT = 120


def _package() -> Path:
    return node_modules("sarif") / "@microsoft" / "sarif-multitool-linux"


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads((_package() / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def check_schema(log: dict[str, Any]) -> None:
    """Raise jsonschema's ValidationError when the log does not fit SARIF 2.1.0's schema."""
    _validator().validate(log)


def multitool_findings(log: dict[str, Any], folder: Path) -> list[tuple[str, str, str]]:
    """Run `Sarif.Multitool validate` on the log; (rule id, level, message) for every error and warning it reports."""
    source, output = folder / "checked.sarif", folder / "validation.sarif"
    source.write_text(json.dumps(log), encoding="utf-8")
    output.unlink(missing_ok=True)
    subprocess.run([str(_package() / "Sarif.Multitool"), "validate", str(source), "--output", str(output),
                    "--level", "Error;Warning", "--quiet"], check=True, timeout=VALIDATE_TIMEOUT,
                   stdin=subprocess.DEVNULL, capture_output=True)
    run = json.loads(output.read_text(encoding="utf-8"))["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"].get("rules", [])}
    found = []
    for result in run.get("results", []):
        message = result["message"]
        text = message.get("text") or rules[result["ruleId"]]["messageStrings"][message["id"]]["text"]
        found.append((result["ruleId"], result.get("level", "warning"), text.format(*message.get("arguments", []))))
    return found
