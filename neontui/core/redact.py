"""The one masking helper: every URL, error text or log line passes through `redact` before it is shown.

Two layers, so that neither a URL in an unexpected place nor a password echoed on its own gets through:
URL userinfo passwords and `password=` keywords are masked by pattern, and every password that neontui
has seen (registered by the connection module when it parses a URL) is masked wherever it appears.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "****"

# scheme://user:password@ — the password runs to the last '@' before whitespace or '/', so an
# unencoded '@' inside a password is masked too (over-masking a query string is the safe failure).
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)(?P<pw>[^\s/]*)@")
# password=…, password: …, and SQL's PASSWORD '…' (CREATE/ALTER ROLE). A bare value stops at a quote so that a
# password inside a JSON string does not swallow the string's closing quote.
_KEYWORD_PASSWORD = re.compile(
    r"(?P<head>\b(?:password|passwd|pgpassword)\s*[=:]\s*|\bpassword\s+(?=')|\bpassword\s+(?=E'))"
    r"(?:E?'(?:[^']|'')*'|\"[^\"]*\"|[^\s&;,\"']+)",
    re.IGNORECASE,
)
# An HTTP bearer token (the Neon API key) wherever a header is echoed: `Authorization: Bearer …`. Only a token-like
# word of 8+ characters, so that prose ("the bearer of …") is left alone.
_BEARER_TOKEN = re.compile(r"(?P<head>\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)

# Shorter registered secrets are not replaced as free text: masking every "ab" would garble output,
# and the URL/keyword patterns above still catch them in their usual places.
_MIN_FREE_TEXT_SECRET = 4
_known_secrets: set[str] = set()


# CSI sequences (colours, cursor moves, erase-line), two-byte escapes, and a lone ESC.
_TERMINAL_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\x1b")


def display_text(text: str) -> str:
    """Child-process output as it may be shown or stored: terminal escapes and carriage returns removed,
    passwords masked."""
    if "\x1b" in text:
        text = _TERMINAL_ESCAPES.sub("", text)
    if "\r" in text:
        text = text.replace("\r", "")
    return redact(text)


def remember_secret(secret: str | None) -> None:
    """Register a password (as written in a URL, possibly percent-encoded) or an API key for masking anywhere."""
    if not secret:
        return
    for form in {secret, unquote(secret)}:
        if len(form) >= _MIN_FREE_TEXT_SECRET:
            _known_secrets.add(form)


def may_hold_secret(text: str) -> bool:
    """Whether `redact` could change `text`, decided without its regexes: each pattern needs a character or word
    that is cheap to look for (the URL pattern '://' , the keyword pattern 'passw'/'pgpassw', the bearer pattern
    'bearer'), and each registered secret is looked for as is. False means redact(text) == text, so a caller may
    skip it (output.print_json does for each string of a large document)."""
    if "://" in text:
        return True
    folded = text.casefold()  # as the patterns' IGNORECASE: "ſ" (long s) matches "s" there
    if "passw" in folded or "bearer" in folded:
        return True
    return any(secret in text for secret in _known_secrets)


def redact_values(value: object) -> object:
    """`value` (a JSON document: dicts, lists, strings, numbers) with `redact` applied to every string in it, keys
    included; the strings that cannot hold a secret (may_hold_secret) are kept as they are. Any other object is
    shown as str(value) (json's default=str), so it is redacted as that string."""
    if isinstance(value, str):
        return redact(value) if may_hold_secret(value) else value
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {redact_values(k) if isinstance(k, str) else k: redact_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if len(value) >= _CHECK_ENCODED_FROM and not _encoded_may_hold_secret(value):
            return value  # e.g. a status's 10,000 migrations: one pass of the C encoder instead of 200,000 strings
        return [redact_values(item) for item in value]
    return redact_values(str(value))


_CHECK_ENCODED_FROM = 64  # items: below this, walking the list costs less than encoding it to look first


def _encoded_may_hold_secret(value: list[object] | tuple[object, ...]) -> bool:
    """Whether any string in `value` (keys included) may hold a secret, decided from its JSON text: what
    may_hold_secret looks for ('://', 'passw', 'bearer') has no character JSON escapes, so a string that holds one
    still holds it once encoded (casefold works character by character); a registered secret is looked for as is and
    as JSON writes it (quotes, backslashes and control characters escaped). False: redact_values(value) == value."""
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return may_hold_secret(text) or any(json.dumps(secret, ensure_ascii=False)[1:-1] in text
                                        for secret in _known_secrets)


def redact(text: str) -> str:
    """Return `text` with every password replaced by ****."""
    if not text:
        return text
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@" if m["pw"] else m[0], text)
    text = _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{MASK}", text)
    text = _BEARER_TOKEN.sub(lambda m: f"{m['head']}{MASK}", text)
    for secret in sorted(_known_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text
