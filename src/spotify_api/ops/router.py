"""Liveness, readiness and metrics for operators and orchestrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from spotify_api.core.db import DbSession
from spotify_api.core.errors import ServiceUnavailable
from spotify_api.core.metrics import record_pool, render_metrics
from spotify_api.core.problems import problem_responses
from spotify_api.core.redis import RedisClient
from spotify_api.ops.schemas import Health, Readiness
from spotify_api.ops.service import ReadinessService

router = APIRouter(tags=["Operations"])


async def get_readiness_service(
    request: Request, db: DbSession, redis: RedisClient
) -> ReadinessService:
    settings = request.app.state.settings
    # Both probes run at once, and answer (naming what is down) before the request deadline.
    timeout = min(
        max(settings.db_statement_timeout_seconds, settings.redis_timeout_seconds) + 0.5,
        settings.request_timeout_seconds * 0.8,
    )
    state = request.app.state
    # The cache's writer client: bounded like a session look-up, not the readers' milliseconds.
    return ReadinessService(db, redis, state.cache_writer_redis, state.migrations, timeout)


@router.get(
    "/health",
    operation_id="getHealth",
    summary="Whether the process is alive",
    description="200 while the process serves; it checks nothing else (see /ready).",
    response_model=Health,
)
async def get_health() -> Health:
    return Health()


@router.get(
    "/ready",
    operation_id="getReadiness",
    summary="Whether PostgreSQL and Redis answer",
    description=(
        "503 names what is down, or says that the database's schema is not the one this "
        "version needs (run `spotify-api migrate`)."
    ),
    response_model=Readiness,
    responses=problem_responses(ServiceUnavailable),
)
async def get_readiness(
    request: Request, service: Annotated[ReadinessService, Depends(get_readiness_service)]
) -> Readiness:
    checks = await service.check(request.app.state.settings.retry_after_seconds)
    return Readiness.model_validate(checks)


@router.get(
    "/metrics",
    operation_id="getMetrics",
    summary="Prometheus metrics",
    description=(
        "Request counts and latencies by route template, catalog cache results and database "
        "pool usage, in the Prometheus text format."
    ),
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def get_metrics(request: Request) -> Response:
    record_pool(request.app.state.engine.pool)
    body, content_type = render_metrics()
    return Response(body, media_type=content_type)
