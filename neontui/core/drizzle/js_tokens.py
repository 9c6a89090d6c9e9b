"""The JavaScript/TypeScript tokenizer behind the config reader (config_reader): strings, templates, numbers,
regular expressions and comments as esbuild reads them, the check that every bracket is closed by its own kind,
and the syntax error with its line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CLOSE", "OPEN", "JsSyntaxError", "Token", "check_brackets", "line_column", "tokenize"]


class JsSyntaxError(Exception):
    """The config is not JavaScript/TypeScript that drizzle-kit could load (esbuild rejects it too): an
    unterminated string or comment, unbalanced brackets, a missing comma. `line` and `column` are 1-based."""

    def __init__(self, message: str, src: str, pos: int) -> None:
        self.message = message
        self.line, self.column = line_column(src, pos)
        super().__init__(f"{self.line}:{self.column}: {message}")


def line_column(src: str, pos: int) -> tuple[int, int]:
    return src.count("\n", 0, pos) + 1, pos - src.rfind("\n", 0, pos)




@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "id", "str", "tpl", "num", "punct", "regex", "eof"
    value: str | float | None  # str/tpl: decoded text (tpl: None when it has ${}); num: float; others: text
    pos: int  # offset in the source of its first character (line and column are derived for errors only)
    end: int
    nl_before: bool  # a line break precedes it (for automatic semicolon insertion at the top level)


# Any BMP character above ASCII counts as an identifier character. Written as alternations, not one class with a
# \u0080-\uffff range: the same set, but such a range costs 8 ms to compile, on every start of every command.
_NON_ASCII_BMP = r"[^\x00-\x7f\U00010000-\U0010ffff]"
_IDENT = re.compile(rf"(?:[A-Za-z_$]|{_NON_ASCII_BMP})(?:[\w$]|{_NON_ASCII_BMP})*")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F_]+n?|0[oO][0-7_]+n?|0[bB][01_]+n?"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?n?"
)
# Longest first, so that `...` wins over `.` and `??` over `?`.
_PUNCT = sorted(
    (
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=",
        ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<",
        ">>", "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!",
        "~", "?", ":", "=", ".", "@", "#",
    ),
    key=len,
    reverse=True,
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# After these, a `/` starts a regular expression rather than a division.
_REGEX_AFTER_IDS = frozenset(
    ("return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield")
)


def _read_escape(src: str, i: int) -> tuple[str, int]:
    """Decode the escape sequence whose backslash is at src[i]; return (text, index after it)."""
    c = src[i + 1] if i + 1 < len(src) else ""
    if c in _SIMPLE_ESCAPES and not (c == "0" and i + 2 < len(src) and src[i + 2].isdigit()):
        return _SIMPLE_ESCAPES[c], i + 2
    if c == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", src[i + 2 : i + 4]):
        return chr(int(src[i + 2 : i + 4], 16)), i + 4
    if c == "u":
        if src[i + 2 : i + 3] == "{":
            end = src.find("}", i + 3)
            if end > 0 and re.fullmatch(r"[0-9a-fA-F]{1,6}", src[i + 3 : end]):
                return chr(int(src[i + 3 : end], 16)), end + 1
        elif re.fullmatch(r"[0-9a-fA-F]{4}", src[i + 2 : i + 6]):
            return chr(int(src[i + 2 : i + 6], 16)), i + 6
    if c == "\r" and src[i + 2 : i + 3] == "\n":
        return "", i + 3
    if c in "\n\r\u2028\u2029":  # line continuation
        return "", i + 2
    return c, i + 2


def _read_string(src: str, i: int) -> tuple[str, int]:
    start, quote, i = i, src[i], i + 1
    out: list[str] = []
    while i < len(src):
        c = src[i]
        if c == quote:
            return "".join(out), i + 1
        if c == "\\":
            text, i = _read_escape(src, i)
            out.append(text)
        elif c == "\n":
            break
        else:
            out.append(c)
            i += 1
    raise JsSyntaxError("unterminated string", src, start)


def _read_template(src: str, i: int) -> tuple[str | None, int]:
    """Read a backtick string starting at src[i]; the text is None when it interpolates `${...}`."""
    out: list[str] = []
    interpolated = False
    start, i = i, i + 1
    while i < len(src):
        c = src[i]
        if c == "`":
            return (None if interpolated else "".join(out)), i + 1
        if c == "\\":
            text, i = _read_escape(src, i)
            out.append(text)
        elif src.startswith("${", i):
            interpolated = True
            i = _skip_interpolation(src, i + 2, start)
        else:
            out.append(c)
            i += 1
    raise JsSyntaxError("unterminated template string", src, start)


def _skip_interpolation(src: str, i: int, template: int) -> int:
    """Skip the inside of `${ ... }` (may nest braces, strings, templates); return the index after `}`."""
    depth = 1
    while i < len(src):
        c = src[i]
        if c in "'\"":
            _, i = _read_string(src, i)
        elif c == "`":
            _, i = _read_template(src, i)
        elif c == "{":
            depth, i = depth + 1, i + 1
        elif c == "}":
            depth, i = depth - 1, i + 1
            if depth == 0:
                return i
        else:
            i += 1
    raise JsSyntaxError("unterminated template string", src, template)


def _regex_allowed(prev: Token | None) -> bool:
    if prev is None:
        return True
    if prev.kind == "punct":
        return prev.value not in (")", "]", "}")
    return prev.kind == "id" and prev.value in _REGEX_AFTER_IDS


def _read_regex(src: str, i: int) -> int:
    in_class = False
    start, i = i, i + 1
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            break
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            m = _IDENT.match(src, i + 1)  # flags
            return m.end() if m else i + 1
        i += 1
    raise JsSyntaxError("unterminated regular expression", src, start)


def tokenize(src: str) -> list[Token]:
    toks: list[Token] = []
    i, n, nl = 0, len(src), False
    if src.startswith("\ufeff"):
        i = 1
    if src.startswith("#!", i):  # hashbang
        i = src.find("\n", i) if "\n" in src else n
    while i < n:
        c = src[i]
        if c == "\n":
            nl, i = True, i + 1
            continue
        if c.isspace():
            i += 1
            continue
        if src.startswith("//", i):
            end = src.find("\n", i)
            i = n if end < 0 else end
            continue
        if src.startswith("/*", i):
            end = src.find("*/", i + 2)
            if end < 0:
                raise JsSyntaxError("unterminated comment", src, i)
            nl, i = nl or "\n" in src[i:end], end + 2
            continue
        start = i
        value: str | float | None
        if c in "'\"":
            value, i = _read_string(src, i)
            kind = "str"
        elif c == "`":
            value, i = _read_template(src, i)
            kind = "tpl"
        elif c.isdigit() or (c == "." and src[i + 1 : i + 2].isdigit()):
            m = _NUMBER.match(src, i)
            assert m is not None  # a digit always matches
            text = m.group().replace("_", "").rstrip("n")
            try:
                value = float(int(text, 0)) if text[:2].lower() in ("0x", "0o", "0b") else float(text)
            except ValueError:
                value = float("nan")
            i, kind = m.end(), "num"
        elif (m := _IDENT.match(src, i)) is not None:
            value, i, kind = m.group(), m.end(), "id"
        elif c == "/" and _regex_allowed(toks[-1] if toks else None):
            i = _read_regex(src, i)
            value, kind = src[start:i], "regex"
        else:
            value = next((p for p in _PUNCT if src.startswith(p, i)), c)
            i += len(value)
            kind = "punct"
        toks.append(Token(kind, value, start, i, nl))
        nl = False
    toks.append(Token("eof", None, n, n, True))
    return toks


OPEN, CLOSE = ("(", "[", "{"), (")", "]", "}")  # tuples: a token value may be a number
_PAIRS = dict(zip(OPEN, CLOSE, strict=True))


def check_brackets(src: str, toks: list[Token]) -> None:
    """Every bracket closed by its own kind, in the whole file (the reader reads only part of it)."""
    stack: list[Token] = []
    for t in toks:
        if t.kind == "punct" and t.value in OPEN:
            stack.append(t)
        elif t.kind == "punct" and t.value in CLOSE:
            if not stack:
                raise JsSyntaxError(f"unexpected '{t.value}'", src, t.pos)
            opener = stack.pop()
            if _PAIRS[str(opener.value)] != t.value:
                raise JsSyntaxError(f"expected '{_PAIRS[str(opener.value)]}' but found '{t.value}'", src, t.pos)
    if stack:
        line, column = line_column(src, stack[-1].pos)
        raise JsSyntaxError(f"unexpected end of file: the '{stack[-1].value}' at line {line}, column {column} is "
                            "never closed", src, len(src))
