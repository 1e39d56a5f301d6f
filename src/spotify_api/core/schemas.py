"""Base classes for the Pydantic models that make up the API contract."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """A request body: unknown fields are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


class ResponseModel(BaseModel):
    """A response body. Every field is required in the spec, so generated clients need no `?`."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )
