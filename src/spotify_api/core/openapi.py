"""The OpenAPI document: FastAPI's, completed with the problem responses every operation has.

Routes declare only the errors particular to them (`problem_responses(...)`); what follows from
an operation's shape is added here, so that no route can forget it: a body can be malformed,
too large or invalid; parameters can be invalid; a secured operation can lack a token or a
scope; and anything can meet a failing backend.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from spotify_api.core.errors import (
    PROBLEM_MEDIA_TYPE,
    DomainError,
    InsufficientScope,
    InternalError,
    MalformedJson,
    NotAuthenticated,
    PayloadTooLarge,
    ServiceUnavailable,
    ValidationFailed,
)
from spotify_api.core.problems import PROBLEM_SCHEMAS, ResponsesDoc, add_problem

REF_TEMPLATE = "#/components/schemas/{model}"
_REQUEST_ID = "X-Request-ID"

_HEADERS: dict[str, dict[str, Any]] = {
    _REQUEST_ID: {
        "description": "The request's id: the one sent, or a new one. Quote it in bug reports.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    },
    "WWW-Authenticate": {
        "description": "How to authenticate: `Bearer`.",
        "schema": {"type": "string"},
    },
}
_STATUS_HEADERS = {
    401: "WWW-Authenticate",
    403: "WWW-Authenticate",
    429: "Retry-After",
    503: "Retry-After",
}


def _add(responses: ResponsesDoc, error: type[DomainError], path: str) -> None:
    add_problem(responses, error.status_code, error.code, error.default_detail, path)


def _complete_operation(path: str, operation: dict[str, Any]) -> None:
    responses: ResponsesDoc = operation.setdefault("responses", {})
    default_422 = responses.get("422", {}).get("content", {}).get("application/json")
    if default_422 is not None:
        del responses["422"]
    documented: ResponsesDoc = {int(status): doc for status, doc in responses.items()}
    if "requestBody" in operation:
        _add(documented, MalformedJson, path)
        _add(documented, PayloadTooLarge, path)
        _add(documented, ValidationFailed, path)
    if operation.get("parameters"):
        _add(documented, ValidationFailed, path)
    # No requirement means none: say so, rather than leave a reader (or a linter) to guess.
    requirements = operation.setdefault("security", [])
    for requirement in requirements:
        _add(documented, NotAuthenticated, path)
        if any(requirement.values()):
            _add(documented, InsufficientScope, path)
    _add(documented, InternalError, path)
    _add(documented, ServiceUnavailable, path)
    for status, doc in documented.items():
        headers = doc.setdefault("headers", {})
        headers[_REQUEST_ID] = {"$ref": f"#/components/headers/{_REQUEST_ID}"}
        examples = doc.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("examples", {})
        for example in examples.values():
            example["value"]["instance"] = path
        name = _STATUS_HEADERS.get(int(status))
        if name is not None and (status != 403 or InsufficientScope.code in examples):
            headers[name] = {"$ref": f"#/components/headers/{name}"}
    operation["responses"] = {str(status): documented[status] for status in sorted(documented)}


def build_openapi(app: FastAPI, extra_schemas: tuple[type[BaseModel], ...] = ()) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
        license_info=app.license_info,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "serialization") for model in PROBLEM_SCHEMAS
    ]
    models += [(model, "validation") for model in extra_schemas]
    _, definitions = models_json_schema(models, ref_template=REF_TEMPLATE)
    schemas.update(definitions.get("$defs", {}))
    components["headers"] = _HEADERS
    for path, item in spec.get("paths", {}).items():
        for operation in item.values():
            _complete_operation(path, operation)
    return dict(sorted(spec.items()))


def install_openapi(app: FastAPI, extra_schemas: tuple[type[BaseModel], ...] = ()) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, extra_schemas)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
