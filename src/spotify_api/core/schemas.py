"""Base classes for the Pydantic models that make up the API contract."""

from __future__ import annotations

import re
import types
from datetime import date
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

T = TypeVar("T")


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out, but not null")
    return value


def _document_without_null(schema: JsonDict) -> None:
    """Document the field as its type alone: `null` is not a value it takes."""
    options = schema.pop("anyOf", None)
    if isinstance(options, list):
        schema.update(next(o for o in options if isinstance(o, dict) and o.get("type") != "null"))
    schema.pop("default", None)


#: A PATCH field that may be left out (and then stays as it is) but not set to `null`.
Omittable = Annotated[
    T | None,
    BeforeValidator(_refuse_null),
    Field(json_schema_extra=_document_without_null),
]


def refuse_nul(value: T) -> T:
    """Refuse text with a NUL character, anywhere in a value: PostgreSQL cannot store it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("nul_character", "Text must not contain NUL (U+0000).")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key)
            refuse_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            refuse_nul(item)
    return value


#: For query parameters: text with a NUL character is a 422, as it is in a body.
NoNul = AfterValidator(refuse_nul)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _scalar_type(annotation: Any) -> Any:
    """`bool` for `bool`, `bool | None`, `Annotated[bool, …] | None` and the like."""
    if get_origin(annotation) is Annotated:
        return _scalar_type(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        return _scalar_type(members[0]) if len(members) == 1 else None
    return annotation


def refuse_loose_scalar(expected: Any, value: Any) -> None:
    """JSON has booleans, numbers and strings of its own: a body says what it means with them.
    Pydantic's lax mode would take `0` for false, `"5"` or `5.0` for 5 and `0` for 1970-01-01."""
    if value is None:
        return
    if expected is bool and not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "Input should be true or false.")
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise PydanticCustomError("int_type", "Input should be an integer number.")
    if expected is date and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        raise PydanticCustomError("date_type", "Input should be a date as YYYY-MM-DD.")


class RequestModel(BaseModel):
    """A request body: unknown fields are an error, so a typo never silently does nothing.

    No text in it may hold a NUL character (422 `nul_character`, naming the field): PostgreSQL
    cannot store one, and no name or title needs one. Booleans, integers and dates are taken
    only as JSON writes them (422 naming the field otherwise), never coerced.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_loose_values(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is not None:
            expected = _scalar_type(cls.model_fields[info.field_name].annotation)
            refuse_loose_scalar(expected, value)
        return refuse_nul(value)


class ResponseModel(BaseModel):
    """A response body. Every field is required in the spec, so generated clients need no `?`."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )


class Page(ResponseModel, Generic[T]):
    """One page of a list. Follow `next` (and `previous`) rather than computing offsets."""

    items: list[T]
    total: int = Field(description="How many items the whole list has.")
    limit: int = Field(description="The most items a page holds.")
    offset: int = Field(description="The position of this page's first item in the list.")
    next: str | None = Field(description="The next page's URL, or null on the last page.")
    previous: str | None = Field(description="The previous page's URL, or null on the first.")
