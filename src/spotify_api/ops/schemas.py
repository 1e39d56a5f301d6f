"""Bodies of the operations endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from spotify_api.core.schemas import ResponseModel

CheckState = Literal["ok", "down"]


class Health(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"status": "ok"}})

    status: Literal["ok"] = "ok"


class Readiness(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "status": "ok",
                "database": "ok",
                "redis": "ok",
                "cache": "ok",
                "warnings": [],
            }
        }
    )

    status: Literal["ok"] = "ok"
    database: CheckState
    redis: CheckState
    cache: CheckState = Field(
        description=(
            "The catalog cache's Redis (CACHE_REDIS_URL, or REDIS_URL). Reads are served from "
            "the database while it is down, so it does not make the service unready."
        )
    )
    warnings: list[str] = Field(
        description="What works now but an operator should change (an evicting session Redis)."
    )
