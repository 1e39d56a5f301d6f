"""The user as clients see it: never a password or its hash."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from spotify_api.core.schemas import Omittable, Page, RequestModel, ResponseModel

RoleName = Literal["user", "admin"]


class User(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "3f8e5c1e-6a53-4f0e-9a0a-2b8f7f1c9d10",
                "username": "ada",
                "email": "ada@example.com",
                "role": "user",
                "created_at": "2026-11-25T20:40:00Z",
            }
        },
    )

    id: uuid.UUID
    username: str = Field(description="3–32 of letters, digits, `_`, `.` and `-`.")
    email: str
    role: RoleName
    created_at: datetime


class AdminUser(User):
    """A user as an admin sees them: the public fields, and whether the account is disabled."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "3f8e5c1e-6a53-4f0e-9a0a-2b8f7f1c9d10",
                "username": "ada",
                "email": "ada@example.com",
                "role": "user",
                "disabled": False,
                "created_at": "2026-11-25T20:40:00Z",
                "updated_at": "2026-11-26T09:12:00Z",
            }
        },
    )

    disabled: bool = Field(description="A disabled account cannot log in; it keeps its data.")
    updated_at: datetime


class UserPage(Page[AdminUser]):
    """A page of users, ordered by username (ignoring case)."""


class UserUpdate(RequestModel):
    """What an admin may change about a user. Absent fields stay as they are: `{}` is a no-op."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"role": "admin"}, {"disabled": True}]}
    )

    # Optional but not nullable: `null` would be ambiguous, so it is refused (422).
    role: Omittable[RoleName] = Field(
        default=None,
        description="The new role. A change ends every session of the user.",
    )
    disabled: Omittable[bool] = Field(
        default=None,
        description="`true` disables the account and ends every session of the user; "
        "`false` lets them log in again.",
    )
