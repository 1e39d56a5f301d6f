"""Liveness, readiness and metrics, as an operator or an orchestrator sees them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from tests.backends import UNREACHABLE_DATABASE, UNREACHABLE_REDIS
from tests.helpers import assert_problem

REQUEST_TIMEOUT_SECONDS = 10


async def get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await asyncio.wait_for(client.get(path), REQUEST_TIMEOUT_SECONDS)


async def test_health_is_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}


async def test_ready_is_ok_when_both_backends_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "cache": "ok",
        "warnings": [],
    }


async def test_ready_is_503_naming_redis_when_redis_is_unreachable(
    app_with: Callable[..., Any],
) -> None:
    async with app_with(redis_url=UNREACHABLE_REDIS) as app:
        response = await get(app, "/ready")
    problem = assert_problem(response, 503, "service_unavailable")
    assert int(response.headers["retry-after"]) >= 1
    assert "redis" in problem["detail"]
    assert "database" not in problem["detail"]
    assert "127.0.0.1" not in response.text


async def test_ready_is_503_naming_the_database_when_it_is_unreachable(
    app_with: Callable[..., Any],
) -> None:
    async with app_with(database_url=UNREACHABLE_DATABASE) as app:
        response = await get(app, "/ready")
    problem = assert_problem(response, 503, "service_unavailable")
    assert int(response.headers["retry-after"]) >= 1
    assert "database" in problem["detail"]
    assert "redis" not in problem["detail"]
    assert "127.0.0.1" not in response.text
    assert "postgres" not in response.text.lower()


async def test_ready_names_both_when_both_are_down(app_with: Callable[..., Any]) -> None:
    async with app_with(database_url=UNREACHABLE_DATABASE, redis_url=UNREACHABLE_REDIS) as app:
        response = await get(app, "/ready")
    problem = assert_problem(response, 503, "service_unavailable")
    assert "database" in problem["detail"]
    assert "redis" in problem["detail"]


async def test_health_stays_ok_while_the_backends_are_down(app_with: Callable[..., Any]) -> None:
    async with app_with(database_url=UNREACHABLE_DATABASE, redis_url=UNREACHABLE_REDIS) as app:
        response = await get(app, "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def sample(metrics: str, name: str, labels: str) -> float | None:
    """The value of one sample of the Prometheus text format, or None when it is absent."""
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", metrics, re.MULTILINE)
    return float(match.group(1)) if match else None


async def test_metrics_are_prometheus_text_by_route_template(client: httpx.AsyncClient) -> None:
    # The counters are process-wide (other tests count too): assert presence and growth.
    first = (await client.get("/metrics")).text
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/no-such-path-for-metrics")).status_code == 404
    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    metrics = response.text
    assert "# TYPE http_requests_total counter" in metrics
    assert "# TYPE http_request_duration_seconds histogram" in metrics
    name, labels = "http_requests_total", '{method="GET",route="/health",status="200"}'
    after_health = sample(metrics, name, labels)
    assert after_health is not None
    assert after_health >= (sample(first, name, labels) or 0) + 1
    unmatched = sample(metrics, name, '{method="GET",route="<unmatched>",status="404"}')
    assert unmatched is not None
    assert unmatched >= 1
    assert "no-such-path-for-metrics" not in metrics
    assert 'http_request_duration_seconds_count{method="GET",route="/health"}' in metrics


async def test_metrics_show_database_pool_usage_and_cache_results(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    assert (await client.get("/songs")).status_code == 200
    async with app.state.engine.connect() as first, app.state.engine.connect() as second:
        await first.execute(text("SELECT 1"))
        await second.execute(text("SELECT 1"))
        while_held = (await client.get("/metrics")).text
    metrics = (await client.get("/metrics")).text
    size = sample(metrics, "db_pool_connections", '{state="size"}')
    assert size == app.state.settings.db_pool_size
    assert sample(while_held, "db_pool_connections", '{state="in_use"}') == 2
    assert sample(metrics, "db_pool_connections", '{state="in_use"}') == 0
    idle = sample(metrics, "db_pool_connections", '{state="idle"}')
    assert idle is not None
    assert idle >= 2  # the two connections went back to the pool
    assert "# TYPE catalog_cache_total counter" in metrics
