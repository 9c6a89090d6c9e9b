"""The CLI's JSON goes through redact string by string (redact.redact_values): every place a password can sit in a
document is still masked, and may_hold_secret skips only strings redact would leave alone."""

from __future__ import annotations

import json

import pytest

from neontui.core.redact import MASK, may_hold_secret, redact, redact_values, remember_secret

SECRET = "hunter2-very-secret"


def test_every_string_of_a_nested_document_is_masked_keys_included():
    remember_secret(SECRET)
    document = {
        "url": f"postgresql://app:{SECRET}@db.example/neondb",
        "problems": [{"message": f"connect failed: password={SECRET} rejected"}],
        f"postgres://u:{SECRET}@h/k": "a URL used as a key",
        "nested": [[{"deep": f"echo {SECRET} back"}]],
        "header": "Authorization: Bearer napi_abcdefgh12345678",
        "tuple": ("plain", f"PASSWORD '{SECRET}'"),
        "count": 3, "flag": True, "nothing": None,
    }
    text = json.dumps(redact_values(document))
    assert SECRET not in text and "napi_abcdefgh12345678" not in text
    assert text.count(MASK) == 6
    assert json.loads(text)["count"] == 3 and json.loads(text)["tuple"][0] == "plain"


@pytest.mark.parametrize("text", [
    "postgresql://u:pw@h/db", "PGPASSWORD=x", "passwd: y", "Password 'z'", "authorization: BEARER abcdefghij",
    "paſſword=x", "no secret here", "user@host:5432/db", "a://b", "",
])
def test_may_hold_secret_is_false_only_where_redact_changes_nothing(text):
    if not may_hold_secret(text):
        assert redact(text) == text
    else:
        assert any(word in text.casefold() for word in ("://", "passw", "paſſw", "bearer"))


def test_a_registered_secret_anywhere_makes_a_string_suspect():
    remember_secret("s3cr3t-value")
    assert may_hold_secret("the value s3cr3t-value leaked")
    assert redact_values(["the value s3cr3t-value leaked"]) == [f"the value {MASK} leaked"]


class _Shown:
    """Not a JSON value: shown as str(), as json's default=str does."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


QUOTED_SECRET = 'p"a\\ss\nw\u00e9rd-42'  # what JSON escapes (quote, backslash, newline) and what it keeps (é)


@pytest.mark.parametrize("hidden", [
    {"message": "postgresql://app:pw-in-url@db.example/neondb"},
    {"message": "PAſſWORD=pw-by-keyword"},
    {"note": f"echo {QUOTED_SECRET} back"},
    {f"key {QUOTED_SECRET}": "a secret in a key"},
    {"deep": [[{"obj": _Shown(f"password={SECRET}")}]]},
    {"header": "authorization: Bearer napi_abcdefgh12345678"},
], ids=["url", "keyword-long-s", "escaped-secret", "secret-key", "object", "bearer"])
def test_a_long_list_is_masked_wherever_in_it_the_secret_sits(hidden):
    """A long list is first checked as one encoded text: one suspect string anywhere sends it down the walk."""
    remember_secret(SECRET)
    remember_secret(QUOTED_SECRET)
    items = [{"tag": f"{i:04d}_plain", "file": f"/app/drizzle/{i:04d}_plain.sql"} for i in range(500)]
    items[317] = {**items[317], **hidden}
    text = json.dumps(redact_values({"migrations": items}), ensure_ascii=False, default=str)
    for leaked in ("pw-in-url", "pw-by-keyword", QUOTED_SECRET, json.dumps(QUOTED_SECRET)[1:-1], SECRET,
                   "napi_abcdefgh12345678"):
        assert leaked not in text
    assert MASK in text and text.count("_plain.sql") == 500


def test_a_long_clean_list_is_kept_as_it_is():
    rows = [{"tag": f"{i:04d}_plain", "statements": i} for i in range(500)]
    assert redact_values({"migrations": rows})["migrations"] is rows
