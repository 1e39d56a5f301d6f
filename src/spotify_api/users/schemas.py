"""The user as clients see it: never a password or its hash."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from spotify_api.core.schemas import ResponseModel

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
