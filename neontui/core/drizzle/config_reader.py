"""Static reader for drizzle.config.{ts,mts,js,mjs,cjs}: finds the exported object literal without running it.

A recursive-descent reader over js_tokens' tokens for the subset of JS/TS that drizzle configs use
(object and array literals, strings, numbers, `process.env.X`, `!`, `as T`, `satisfies T`, `??`/`||` with a
literal right side, `defineConfig(...)`, `String(...)`, top-level `const` bindings). Anything else becomes a
`Dynamic` marker instead of an error, so one computed key never stops neontui from reading the others.
Running the config would execute user code (and need node), which neontui avoids for a read-only view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from neontui.core.drizzle.js_tokens import CLOSE, OPEN, JsSyntaxError, Token, check_brackets, tokenize

__all__ = ["Dynamic", "EnvRef", "JsObject", "JsValue", "parse_config_source"]


@dataclass(frozen=True)
class EnvRef:
    """`process.env.NAME` (optionally `?? process.env.OTHER ?? 'literal'`)."""

    name: str
    alternates: tuple[str, ...] = ()  # further variables tried in order: `a ?? b`
    fallback: str | None = None  # literal after the last ??/||
    or_empty: bool = False  # `||`: an empty value also falls through (with `??` only an unset one does)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.alternates)


@dataclass(frozen=True)
class Dynamic:
    """A value that can only be known by running the config; `reason` is a short, secret-free description."""

    reason: str


class JsObject(dict):
    """An object literal. `open` means keys may exist that we could not see (unknown spread, computed key)."""

    open: bool = False
    open_reason: str = ""


JsValue = Union[str, int, float, bool, None, list, JsObject, EnvRef, Dynamic]  # noqa: UP007 (runtime alias)


# ----------------------------------------------------------------------------------------------------
# Reader

_OBJ_TERMS = frozenset({",", "}"})
_ARR_TERMS = frozenset({",", "]"})
_ARG_TERMS = frozenset({",", ")"})
_TOP_TERMS = frozenset({";"})
_DECLARE = frozenset({"const", "let", "var"})
# Words that start a new top-level statement; a line starting with one ends the previous value (ASI).
_STATEMENT_WORDS = frozenset(
    (
        "const", "let", "var", "export", "import", "module", "exports", "function", "class", "async", "if",
        "for", "while", "try", "type", "interface", "declare", "enum", "require", "process", "console",
        "dotenv", "config",
    )
)
_PASSTHROUGH_CALLS = frozenset({"defineConfig", "String"})
_MISSING = object()
_EXPECTED = {_OBJ_TERMS: "',' or '}'", _ARR_TERMS: "',' or ']'", _ARG_TERMS: "',' or ')'", _TOP_TERMS: "';'"}
# A new operand right after a complete one is a syntax error (`'postgresql' out: …`: a missing comma), except
# after a word that takes an operand (`typeof x`, `new X`, `as const`) or before an infix word (`x as Config`).
_PREFIX_WORDS = frozenset((
    "typeof", "void", "delete", "new", "await", "yield", "async", "function", "class", "extends", "implements",
    "in", "instanceof", "of", "as", "satisfies", "keyof", "readonly", "unique", "infer", "is", "asserts", "return",
    "throw", "case", "do", "else", "import", "get", "set", "static",
))
_INFIX_WORDS = frozenset(("in", "instanceof", "of", "as", "satisfies", "extends", "implements", "is"))


def _ends_operand(t: Token) -> bool:
    return t.kind in ("id", "str", "tpl", "num", "regex") or (t.kind == "punct" and t.value in CLOSE)


def _starts_operand(t: Token) -> bool:
    # `(`, `[` and a template continue an operand (call, index, tagged template); `{` may open a function body.
    return t.kind in ("id", "str", "num", "regex")


class _Reader:
    def __init__(self, src: str, toks: list[Token]) -> None:
        self.src = src
        self.toks = toks
        self.i = 0
        self.bindings: dict[str, int] = {}  # top-level `const name = <value at index>`
        self.cache: dict[str, JsValue] = {}
        self.resolving: set[str] = set()

    # -- token helpers --------------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def is_p(self, value: str, tok: Token | None = None) -> bool:
        t = tok or self.tok
        return t.kind == "punct" and t.value == value

    def is_id(self, value: str, tok: Token | None = None) -> bool:
        t = tok or self.tok
        return t.kind == "id" and t.value == value

    def is_member(self) -> bool:
        return self.is_p(".") or self.is_p("?.")

    def advance(self) -> Token:
        t = self.tok
        if t.kind != "eof":
            self.i += 1
        return t

    def skip_balanced(self) -> None:
        """Skip one token, or a whole bracketed group if it opens one."""
        depth = 0
        while self.tok.kind != "eof":
            t = self.advance()
            if t.kind == "punct" and t.value in OPEN:
                depth += 1
            elif t.kind == "punct" and t.value in CLOSE:
                depth -= 1
            if depth <= 0:
                return

    def at_end(self, terms: frozenset[str], top: bool) -> bool:
        t = self.tok
        if t.kind == "eof" or (t.kind == "punct" and (t.value in terms or t.value in CLOSE)):
            return True
        # Automatic semicolon insertion: a new statement on the next line ends a top-level value.
        return top and t.nl_before and t.kind == "id" and t.value in _STATEMENT_WORDS

    def skip_to(self, terms: frozenset[str], top: bool) -> None:
        """Skip the rest of an expression the reader does not model, up to its terminator."""
        while not self.at_end(terms, top) and not self.ends_by_asi(terms, top):
            self.skip_balanced()

    def ends_by_asi(self, terms: frozenset[str], top: bool) -> bool:
        """True when a line break ends a top-level value here (automatic semicolon insertion); JsSyntaxError when
        the current token starts a new operand right after a complete one anywhere else."""
        prev, t = self.toks[self.i - 1] if self.i else None, self.tok
        if prev is None or not _ends_operand(prev) or not _starts_operand(t):
            return False
        if (prev.kind == "id" and prev.value in _PREFIX_WORDS) or (t.kind == "id" and t.value in _INFIX_WORDS):
            return False
        if top and t.nl_before:
            return True
        raise self.error(f"expected {_EXPECTED.get(terms, 'an operator')}", t)

    def error(self, expected: str, t: Token) -> JsSyntaxError:
        found = "end of file" if t.kind == "eof" else repr(self.src[t.pos:t.end][:40])
        return JsSyntaxError(f"{expected} but found {found}", self.src, t.pos)

    def skip_type(self) -> None:
        """Skip a TS type after `as`, `satisfies` or `:` (Config, Config<X>, A | B, typeof x, {…}[])."""
        while True:
            t = self.tok
            if t.kind == "id" and t.value in ("typeof", "keyof", "readonly", "unique"):
                self.advance()
                continue
            if t.kind in ("id", "str", "num") or (t.kind == "punct" and t.value in OPEN):
                self.skip_balanced()
            else:
                return
            while self.is_p(".") and self.peek().kind == "id":
                self.advance()
                self.advance()
            if self.is_p("<"):
                self.skip_angles()
            while self.is_p("[") and self.is_p("]", self.peek()):
                self.advance()
                self.advance()
            if self.is_p("|") or self.is_p("&"):
                self.advance()
                continue
            return

    def skip_angles(self) -> None:
        depth = 0
        while self.tok.kind != "eof":
            t = self.tok
            if self.is_p("<"):
                depth += 1
            elif self.is_p(">"):
                depth -= 1
            elif self.is_p(">>"):
                depth -= 2
            elif t.kind == "punct" and t.value in OPEN:
                self.skip_balanced()
                continue
            elif t.kind == "punct" and t.value in (";", *CLOSE):
                return
            self.advance()
            if depth <= 0:
                return

    # -- pass 1: top-level statements ------------------------------------------------------------
    def scan(self) -> int | str | None:
        """Record top-level bindings; return the token index of the default export's value, or the name it
        exports (`export { config as default }`), or None."""
        toks, depth = self.toks, 0
        export: int | str | None = None
        i = 0
        while i < len(toks) - 1:
            t = toks[i]
            if t.kind == "punct" and t.value in OPEN:
                depth += 1
            elif t.kind == "punct" and t.value in CLOSE:
                depth = max(0, depth - 1)
            elif depth == 0 and t.kind == "id" and not (i > 0 and self.is_p(".", toks[i - 1])):
                nxt = toks[i + 1]
                if t.value in _DECLARE:
                    i = self.scan_declaration(i + 1)
                    continue
                if t.value == "export" and (self.is_id("default", nxt) or self.is_p("=", nxt)):
                    export = i + 2
                elif t.value == "export" and self.is_p("{", nxt):
                    j = i + 2
                    while j + 2 < len(toks) and not self.is_p("}", toks[j]):
                        as_default = self.is_id("as", toks[j + 1]) and self.is_id("default", toks[j + 2])
                        if toks[j].kind == "id" and as_default:
                            export = str(toks[j].value)
                        j += 1
                elif (
                    t.value in ("module", "exports")
                    and self.is_p(".", nxt)
                    and (t.value == "module" or self.is_id("default", toks[i + 2]))
                    and (t.value == "exports" or self.is_id("exports", toks[i + 2]))
                    and self.is_p("=", toks[min(i + 3, len(toks) - 1)])
                ):
                    export = i + 4
            i += 1
        return export

    def scan_declaration(self, j: int) -> int:
        toks = self.toks
        if toks[j].kind != "id":
            return j  # destructuring and the like: nothing we can bind
        name = str(toks[j].value)
        j += 1
        if self.is_p(":", toks[j]):  # type annotation: skip to `=` at this depth
            depth = 0
            j += 1
            while toks[j].kind != "eof":
                t = toks[j]
                if t.kind == "punct" and t.value in OPEN:
                    depth += 1
                elif t.kind == "punct" and t.value in CLOSE:
                    depth -= 1
                elif depth == 0 and t.kind == "punct" and t.value in ("=", ";", ","):
                    break
                j += 1
        if self.is_p("=", toks[j]):
            self.bindings.setdefault(name, j + 1)  # a later re-declaration is a JS error anyway
            return j + 1
        return j

    # -- pass 2: values ------------------------------------------------------------
    def value(self, terms: frozenset[str], top: bool = False) -> JsValue:
        if self.at_end(terms, top) and not (top and self.tok.nl_before and self.tok.kind == "id"):
            raise self.error("expected a value", self.tok)  # `{ out: }`, `export default;`
        v = self.binary()
        if not self.at_end(terms, top) and not self.ends_by_asi(terms, top):
            self.skip_to(terms, top)  # `a ? b : c`, `a + b`, `f().x`, arrow functions, …
            return Dynamic("an expression")
        return v

    def binary(self) -> JsValue:
        left = self.postfix()
        while self.is_p("??") or self.is_p("||"):
            op = str(self.advance().value)
            left = _combine(left, op, self.postfix())
        return left

    def postfix(self) -> JsValue:
        v = self.primary()
        while True:
            if self.is_p("!") and not self.tok.nl_before:  # TS non-null assertion
                self.advance()
            elif self.is_id("as") or self.is_id("satisfies"):
                self.advance()
                self.skip_type()
            elif isinstance(v, JsObject) and (self.is_p(".") or self.is_p("?.")) and self.peek().kind == "id":
                self.advance()
                v = _member(v, str(self.advance().value))
            elif (
                isinstance(v, JsObject)
                and self.is_p("[")
                and self.peek().kind == "str"
                and self.is_p("]", self.peek(2))
            ):
                self.advance()
                v = _member(v, str(self.advance().value))
                self.advance()
            else:
                return v

    def primary(self) -> JsValue:
        t = self.tok
        if t.kind == "str":
            self.advance()
            return str(t.value)
        if t.kind == "tpl":
            self.advance()
            return Dynamic("a template string with ${…}") if t.value is None else str(t.value)
        if t.kind == "num":
            self.advance()
            return _number(t.value)
        if t.kind == "punct":
            return self.punct_primary(t)
        if t.kind != "id":
            return Dynamic("an expression")
        return self.name_primary(str(t.value))

    def punct_primary(self, t: Token) -> JsValue:
        """A primary expression that starts with punctuation: a negative number, an object, an array, a
        parenthesised expression, an old-style TS assertion."""
        if t.value == "-" and self.peek().kind == "num":
            self.advance()
            return _number(-float(self.advance().value or 0))
        if t.value == "{":
            return self.object()
        if t.value == "[":
            return self.array()
        if t.value == "(":
            self.advance()
            if self.is_p(")"):  # `() => …`
                self.advance()
                return Dynamic("an expression")
            v = self.value(_ARG_TERMS)
            if not self.is_p(")"):  # `(a, b)`: a comma expression or an arrow function's parameters
                self.skip_to(frozenset(), False)
                v = Dynamic("an expression")
            self.advance()
            return v
        if t.value == "<":  # old-style TS assertion: <Config>{ … }
            self.skip_angles()
            return self.primary()
        return Dynamic("an expression")

    def name_primary(self, name: str) -> JsValue:
        """A primary expression that starts with the identifier `name` (the current token): a literal keyword,
        process.env, a call, or a binding."""
        self.advance()
        if name in ("true", "false"):
            return name == "true"
        if name in ("null", "undefined"):
            return None
        if name == "process" and (self.is_p(".") or self.is_p("?.")) and self.is_id("env", self.peek()):
            return self.env_ref()
        callee = name
        while self.is_member() and self.peek().kind == "id" and self.is_p("(", self.peek(2)):
            self.advance()
            callee = str(self.advance().value)  # drizzle.defineConfig(…) → defineConfig
        if self.is_p("("):
            args = self.arguments()
            if callee in _PASSTHROUGH_CALLS and len(args) == 1:
                arg = args[0]
                if callee == "String" and not isinstance(arg, (str, EnvRef)):
                    return Dynamic("a call to String()")
                return arg
            return Dynamic(f"a call to {callee}()")
        return self.resolve(name)

    def env_ref(self) -> JsValue:
        self.advance()  # .
        self.advance()  # env
        if (self.is_p(".") or self.is_p("?.")) and self.peek().kind == "id":
            self.advance()
            return EnvRef(str(self.advance().value))
        if self.is_p("?.") and self.is_p("[", self.peek()):
            self.advance()
        key = self.peek()
        if self.is_p("[") and key.kind in ("str", "tpl") and key.value and self.is_p("]", self.peek(2)):
            self.advance()
            name = str(self.advance().value)
            self.advance()
            return EnvRef(name)
        return Dynamic("a computed process.env lookup")

    def arguments(self) -> list[JsValue]:
        self.advance()  # (
        args: list[JsValue] = []
        while not self.is_p(")") and self.tok.kind != "eof":
            if self.is_p("..."):
                self.advance()
                self.value(_ARG_TERMS)
                args.append(Dynamic("a spread argument"))
            else:
                args.append(self.value(_ARG_TERMS))
            if self.is_p(","):
                self.advance()
            elif not self.is_p(")"):
                raise self.error(f"expected {_EXPECTED[_ARG_TERMS]}", self.tok)
        if self.is_p(")"):
            self.advance()
        return args

    def array(self) -> JsValue:
        self.advance()  # [
        items: list[JsValue] = []
        while not self.is_p("]") and self.tok.kind != "eof":
            if self.is_p("..."):
                self.advance()
                spread = self.value(_ARR_TERMS)
                items.extend(spread if isinstance(spread, list) else [Dynamic("a spread")])
            elif self.is_p(","):  # hole
                items.append(None)
            else:
                items.append(self.value(_ARR_TERMS))
            if self.is_p(","):
                self.advance()
            elif not self.is_p("]"):
                raise self.error(f"expected {_EXPECTED[_ARR_TERMS]}", self.tok)
        if self.is_p("]"):
            self.advance()
        return items

    def object(self) -> JsObject:
        self.advance()  # {
        obj = JsObject()
        while not self.is_p("}") and self.tok.kind != "eof":
            if self.is_p("..."):
                self.advance()
                _spread_into(obj, self.value(_OBJ_TERMS))
            else:
                self.property(obj)
            if self.is_p(","):
                self.advance()
            elif not self.is_p("}"):
                raise self.error(f"expected {_EXPECTED[_OBJ_TERMS]}", self.tok)
        if self.is_p("}"):
            self.advance()
        return obj

    def property(self, obj: JsObject) -> None:
        t = self.tok
        key: str | None
        if t.kind in ("id", "str", "tpl") and t.value is not None:
            key = str(t.value)
        elif t.kind == "num":
            v = _number(t.value)
            key = str(v)
        elif self.is_p("["):
            key = None
        elif self.is_p("*"):  # generator method
            self.advance()
            self.property(obj)
            return
        else:  # `{ a: 1,, b: 2 }`
            raise self.error("expected a property name", t)
        shorthand_ok = t.kind == "id"
        self.skip_balanced()  # the key (or the whole [computed] key)
        value: JsValue
        if self.is_p(":"):
            self.advance()
            value = self.value(_OBJ_TERMS)
        elif self.is_p("(") or self.is_p("<"):  # method `url() { … }`
            self.skip_to(_OBJ_TERMS, False)
            value = Dynamic("a method")
        elif key in ("get", "set", "async") and t.kind == "id" and not self.at_end(_OBJ_TERMS, False):
            nt = self.tok  # accessor `get url() { … }`
            key = str(nt.value) if nt.kind in ("id", "str") else None
            self.skip_to(_OBJ_TERMS, False)
            value = Dynamic("a getter")
        elif shorthand_ok and key is not None and self.at_end(_OBJ_TERMS, False):
            value = self.resolve(key)  # shorthand `{ url }`
        else:  # `{ dialect 'postgresql' }`, `{ 'out' }`
            raise self.error(f"expected {_EXPECTED[_OBJ_TERMS]}" if shorthand_ok else "expected ':'", self.tok)
        if key is None:
            _spread_into(obj, Dynamic("a computed key"))
        else:
            obj[key] = value

    def resolve(self, name: str) -> JsValue:
        """Value of a top-level `const name = …` in the same file, read at its own position."""
        if name in self.cache:
            return self.cache[name]
        if name not in self.bindings or name in self.resolving:
            return Dynamic(f"the variable {name}")
        saved = self.i
        self.resolving.add(name)
        try:
            self.i = self.bindings[name]
            v = self.value(_TOP_TERMS, top=True)
        finally:
            self.resolving.discard(name)
            self.i = saved
        self.cache[name] = v
        return v


def _number(value: str | float | None) -> int | float:
    f = float(value or 0)
    return int(f) if f.is_integer() else f


def _member(obj: JsObject, key: str) -> JsValue:
    if key in obj:
        return obj[key]
    return Dynamic(obj.open_reason or "a spread") if obj.open else None


def _spread_into(obj: JsObject, source: JsValue) -> None:
    """`{...source}`: merge a known object; else every earlier key may be overridden and any key may exist."""
    if isinstance(source, JsObject):
        obj.update(source)
        if source.open:
            obj.open, obj.open_reason = True, source.open_reason
        return
    if isinstance(source, Dynamic) and source.reason == "a computed key":
        reason = source.reason
    elif isinstance(source, Dynamic) and source.reason.startswith("the variable "):
        reason = f"a spread of {source.reason.removeprefix('the variable ')}"
    else:
        reason = "a spread"
    for k in obj:
        obj[k] = Dynamic(reason)
    obj.open, obj.open_reason = True, reason


def _combine(left: JsValue, op: str, right: JsValue) -> JsValue:
    """`left ?? right` / `left || right` where only an env reference on the left needs the right side."""
    if isinstance(left, EnvRef):
        if left.fallback is not None:
            return left
        if isinstance(right, EnvRef):
            names = (*left.alternates, *right.names)
            return EnvRef(left.name, names, right.fallback, op == "||" or right.or_empty)
        if right is None:
            return EnvRef(left.name, left.alternates, None, left.or_empty or op == "||")
        if isinstance(right, (str, int, float)) and not isinstance(right, bool):
            return EnvRef(left.name, left.alternates, str(right), op == "||")
        return Dynamic("an expression")
    if isinstance(left, Dynamic):
        return left
    if left is None or (op == "||" and not left):  # nullish, or falsy for ||
        return right
    return left


def parse_config_source(src: str) -> JsValue | None:
    """Return the default export of a JS/TS config (usually a JsObject), or None when there is none.

    Raises JsSyntaxError where drizzle-kit (esbuild) would reject the source: a token it cannot read, unbalanced
    brackets anywhere, or a malformed value in the parts read here (the default export and the bindings it uses).
    """
    toks = tokenize(src)
    check_brackets(src, toks)
    reader = _Reader(src, toks)
    export = reader.scan()
    if export is None:
        return None
    if isinstance(export, str):
        return reader.resolve(export)
    reader.i = export
    return reader.value(_TOP_TERMS, top=True)
