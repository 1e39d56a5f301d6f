"""The OpenAPI spec is part of the product: committed, complete, and fit for generators."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

COMMITTED = Path(__file__).resolve().parents[1] / "openapi.json"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_committed_spec_matches_the_app(spec: dict[str, Any]) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(spec)), (
        "openapi.json is out of date: regenerate it with `make openapi` "
        "(or `spotify-api openapi -o openapi.json`) and commit it"
    )


def test_every_operation_has_a_readable_id_a_tag_and_a_summary(spec: dict[str, Any]) -> None:
    ids = []
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        assert re.fullmatch(r"[a-z][A-Za-z]+", operation["operationId"]), where
        assert operation["tags"], where
        assert operation["summary"], where
        assert operation["description"], where
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_every_error_is_a_documented_problem(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = response["content"]
            assert list(content) == ["application/problem+json"], (method, path, status)
            schema = content["application/problem+json"]["schema"]["$ref"]
            assert schema.endswith(("/Problem", "/ValidationProblem"))
            assert content["application/problem+json"]["examples"], (method, path, status)
        assert {"500", "503"} <= set(operation["responses"]), (method, path)


def test_secured_operations_document_401_and_scoped_ones_403(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        for requirement in operation.get("security", []):
            assert "401" in operation["responses"], (method, path)
            if any(requirement.values()):
                assert "403" in operation["responses"], (method, path)


def test_every_request_body_has_an_example(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for path, method, operation in operations(spec):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            schema = schemas[media["schema"]["$ref"].rsplit("/", 1)[1]]
            assert schema.get("examples"), (method, path, media_type)


def test_operations_with_a_body_document_400_413_and_422(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(operation["responses"]), (method, path)


def test_the_security_scheme_is_the_oauth2_password_flow(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    flow = scheme["flows"]["password"]
    assert flow["tokenUrl"] == "login"
    assert set(flow["scopes"]) == {
        "account:write",
        "playlists:read",
        "playlists:write",
        "library:read",
        "library:write",
        "catalog:write",
        "users:admin",
    }


def test_login_documents_json_and_the_form(spec: dict[str, Any]) -> None:
    body = spec["paths"]["/login"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/x-www-form-urlencoded"}
    for media in body.values():
        name = media["schema"]["$ref"].rsplit("/", 1)[1]
        assert name in spec["components"]["schemas"]


def test_no_framework_default_schemas_leak(spec: dict[str, Any]) -> None:
    names = set(spec["components"]["schemas"])
    assert not names & {"HTTPValidationError", "ValidationError"}
    assert not any(
        name.startswith("Body_") or name.endswith(("-Input", "-Output")) for name in names
    )
