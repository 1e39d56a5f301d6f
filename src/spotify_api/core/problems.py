"""The problem+json schema, and how an operation documents the errors it can answer with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from spotify_api.core.errors import PROBLEM_MEDIA_TYPE, DomainError, problem_body


class Problem(BaseModel):
    """An error, as RFC 9457 describes it. Switch on `code`: it is stable."""

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True,
        json_schema_extra={
            # RFC 9457 problems are open: a kind of problem may add members (`errors`, say).
            "additionalProperties": True,
            "example": problem_body(404, "not_found", "No song with this id.", "/songs/1"),
        },
    )

    type: str = Field(description="A URI that names the kind of problem.")
    title: str = Field(description="The HTTP status phrase.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong, for a person.")
    instance: str | None = Field(description="The path of the request that failed.")
    code: str = Field(description="A stable snake_case code for clients to switch on.")


class ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is: body, query, path or header.")
    msg: str
    type: str


class ValidationProblem(Problem):
    """A request that did not pass validation; `errors` names every field that failed."""

    model_config = ConfigDict(json_schema_extra=None)

    errors: list[ValidationIssue]


PROBLEM_SCHEMAS: tuple[type[Problem], ...] = (Problem, ValidationProblem)

ResponsesDoc = dict[int | str, dict[str, Any]]


def _schema_ref(schema: type[Problem]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{schema.__name__}"}


def add_problem(
    responses: ResponsesDoc, status: int, code: str, detail: str, path: str = "/"
) -> None:
    """Add one code's example to the documented response for its status."""
    schema = ValidationProblem if code == "validation_error" else Problem
    response = responses.setdefault(
        status, {"description": problem_body(status, code, detail, None)["title"]}
    )
    content = response.setdefault("content", {}).setdefault(
        PROBLEM_MEDIA_TYPE, {"schema": _schema_ref(schema)}
    )
    example = problem_body(status, code, detail, path)
    if code == "validation_error":
        example["errors"] = [{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}]
    content.setdefault("examples", {})[code] = {"summary": code, "value": example}
    codes = sorted(content["examples"])
    response["description"] = f"{example['title']}: " + ", ".join(f"`{c}`" for c in codes)


def problem_responses(*errors: type[DomainError]) -> ResponsesDoc:
    """The `responses=` of a route that can raise these errors."""
    responses: ResponsesDoc = {}
    for error in errors:
        add_problem(responses, error.status_code, error.code, error.default_detail)
    return responses
