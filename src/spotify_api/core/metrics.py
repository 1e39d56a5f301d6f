"""Prometheus metrics for the process (or, with PROMETHEUS_MULTIPROC_DIR, for all workers)."""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "http_requests",
    "HTTP requests served, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to serve an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CATALOG_CACHE = Counter(
    "catalog_cache",
    "Catalog response cache lookups, by result: hit, miss (rendered and stored), coalesced "
    "(served from a concurrent request's render), bypass (Redis skipped or failing), "
    "uncacheable (a query parameter the route does not read: rendered, never stored).",
    ["result"],
)

DB_POOL = Gauge(
    "db_pool_connections",
    "Database connections of this process's pool, by state: in_use, idle, size (configured).",
    ["state"],
    multiprocess_mode="livesum",
)


def record_pool(pool: Any) -> None:
    """Read the SQLAlchemy pool's state into the gauge, at scrape time."""
    in_use = pool.checkedout() if hasattr(pool, "checkedout") else 0
    idle = pool.checkedin() if hasattr(pool, "checkedin") else 0
    size = pool.size() if hasattr(pool, "size") else 0
    DB_POOL.labels(state="in_use").set(in_use)
    DB_POOL.labels(state="idle").set(idle)
    DB_POOL.labels(state="size").set(size)


def render_metrics() -> tuple[bytes, str]:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
