"""Neon's published OpenAPI spec (v2, from npm `@neondatabase/api-client`, tests/neon_api_fixture) as a validator of
requests and responses: the contract tests/neon_server.py is held to, so that the client is tested against what Neon
documents rather than against what we guessed."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

from tests.drizzle_env import node_modules

SPEC_FILE = Path("@neondatabase") / "api-client" / "public-v2-for-users.gen.yaml"
BASE_PATH = "/api/v2"


class SpecViolation(AssertionError):
    """A request or response the spec does not allow."""


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    operation: dict[str, Any]
    path_parameters: tuple[dict[str, Any], ...]


def spec_path() -> Path:
    return node_modules("neon-api") / SPEC_FILE


@functools.cache
def load_spec() -> dict[str, Any]:
    # PyYAML reads the response codes (201, 204) as integers; the spec's JSON form has strings.
    return json.loads(json.dumps(yaml.safe_load(spec_path().read_text(encoding="utf-8"))))


class Spec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        routes = [route for template, item in doc["paths"].items() for route in _routes(template, item)]
        # A literal segment wins over a parameter (…/branches/count before …/branches/{branch_id}).
        self.routes = sorted(routes, key=lambda route: route.template.count("{"))

    def route(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        for route in self.routes:
            match = route.pattern.fullmatch(path)
            if route.method == method and match:
                return route, match.groupdict()
        raise SpecViolation(f"{method} {path}: no such operation in the Neon API spec")

    def check_request(self, route: Route, query: dict[str, list[str]], body: object) -> None:
        where = f"{route.method} {route.template} ({route.operation.get('operationId')})"
        params = [self._deref(p) for p in (*route.path_parameters, *route.operation.get("parameters", []))]
        declared = {p["name"] for p in params if p["in"] == "query"}
        unknown = set(query) - declared
        if unknown:
            raise SpecViolation(f"{where}: query parameters not in the spec: {sorted(unknown)}")
        for param in params:
            if param["in"] != "query":
                continue
            if param["name"] not in query:
                if param.get("required"):
                    raise SpecViolation(f"{where}: required query parameter {param['name']} is missing")
                continue
            value = _coerce(query[param["name"]][-1], self._deref(param.get("schema", {})))
            self._validate(param.get("schema", {}), value, f"{where} query {param['name']}")
        self._check_body(route, body, where)

    def _check_body(self, route: Route, body: object, where: str) -> None:
        spec_body = self._deref(route.operation.get("requestBody", {}))
        if body is None:
            if spec_body.get("required"):
                raise SpecViolation(f"{where}: the request body is required")
            return
        if not spec_body:
            raise SpecViolation(f"{where}: this operation takes no request body")
        self._validate(spec_body["content"]["application/json"]["schema"], body, f"{where} request body")

    def check_response(self, route: Route, status: int, body: object) -> None:
        where = f"{route.method} {route.template} -> {status}"
        responses = route.operation["responses"]
        spec_response = responses.get(str(status)) or responses.get("default")
        if spec_response is None:
            raise SpecViolation(f"{where}: status not in the spec")
        if str(status) not in responses and status < 400:
            raise SpecViolation(f"{where}: a success status the spec does not declare")
        content = self._deref(spec_response).get("content")
        if not content:
            if body is not None:
                raise SpecViolation(f"{where}: the spec declares no body")
            return
        self._validate(content["application/json"]["schema"], body, f"{where} response body")

    def _validate(self, schema: dict[str, Any], value: object, where: str) -> None:
        wrapped = {**schema, "components": self.doc["components"]}  # lets "#/components/…" resolve
        errors = sorted(OAS30Validator(wrapped, format_checker=OAS30Validator.FORMAT_CHECKER).iter_errors(value),
                        key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            at = "/".join(str(part) for part in first.absolute_path) or "(root)"
            raise SpecViolation(f"{where}: {at}: {first.message}")

    def _deref(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node


def _routes(template: str, item: dict[str, Any]) -> list[Route]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    shared = tuple(item.get("parameters", []))
    return [Route(method.upper(), template, re.compile(regex), op, shared)
            for method, op in item.items() if method != "parameters"]


def _coerce(text: str, schema: dict[str, Any]) -> object:
    """A query string's text as the type its schema names (everything arrives as text)."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


@functools.cache
def spec() -> Spec:
    return Spec(load_spec())
