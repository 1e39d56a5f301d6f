"""Bodies of the operations endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from spotify_api.core.schemas import ResponseModel

CheckState = Literal["ok", "down"]


class Health(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"status": "ok"}})

    status: Literal["ok"] = "ok"


class Readiness(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"status": "ok", "database": "ok", "redis": "ok"}}
    )

    status: Literal["ok"] = "ok"
    database: CheckState
    redis: CheckState
