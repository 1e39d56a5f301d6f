"""The response cache for public reads: stored bytes and a strong ETag, in Redis, by version.

A route answers through `CatalogCache.respond(request, render)`: a current entry is sent as
stored (no re-validation, no re-serialisation); on a miss, `render()` makes the body, which is
stored for the next request. Most hits never reach the route: `CachedReadFastPath` answers them
before routing. Redis is an optimisation here, never a dependency of a read: a failing or slow
Redis is skipped for a moment and reads are rendered directly. The Redis side (keys, versions,
batching, single flight) is `core.cache_store`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Depends, Request, Response
from pydantic import BaseModel
from starlette.types import Scope

from spotify_api.core.cache_store import (
    CACHE_ERRORS,
    CATALOG_VERSION_KEY,
    CacheBreaker,
    CacheStore,
    Entry,
    Lookup,
    cache_store,
    invalidate_catalog,
    make_etag,
)
from spotify_api.core.errors import ServiceUnavailable
from spotify_api.core.metrics import CATALOG_CACHE

__all__ = [
    "CATALOG_VERSION_KEY",
    "CacheBreaker",
    "CatalogCache",
    "ResponseCache",
    "invalidate_catalog",
]

logger = logging.getLogger("spotify_api.cache")

# Set in the scope by the fast path when it looked the resource up: the `Lookup` that missed
# (with the version it saw), or FAILED.
LOOKED_UP_KEY = "spotify_api.cache_lookup"
FAILED = "failed"
HIT = CATALOG_CACHE.labels(result="hit")
IF_NONE_MATCH_MAX = 1024  # characters: the catalog routes refuse a longer If-None-Match

_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"')


def none_match(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match value matches `etag` (weak comparison, RFC 9110 13.1.2)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == opaque for tag in _ENTITY_TAG.findall(header))


def resource_of(scope: Scope, declared: frozenset[str] | None = None) -> str | None:
    """The path and the query, normalised: parameters sorted by name (the values of a repeated
    name keep their order), everything percent-encoded. None if the query names a parameter
    outside `declared` (the route's): such a request is not cached.

    Nothing is dropped: an empty value is part of the request (`q=love&q=` is searched with
    the last `q`, an empty one), so two queries share an entry only if the route sees the
    same parameters in them."""
    path = quote(scope["path"], safe="/-._~!$&'()*+,;=:@")
    query = scope.get("query_string", b"")
    if not query:
        return path
    items = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if declared is not None and any(name not in declared for name, _ in items):
        return None
    return f"{path}?{urlencode(sorted(items, key=lambda item: item[0]))}" if items else path


def entry_response(entry: Entry, max_age: int, if_none_match: str | None) -> Response:
    """The answer of a cached read: the entry's bytes, or 304 if `If-None-Match` matches."""
    headers = {"ETag": entry.etag, "Cache-Control": f"public, max-age={max_age}"}
    if none_match(if_none_match, entry.etag):
        return Response(status_code=304, headers=headers)
    return Response(content=entry.body, media_type="application/json", headers=headers)


class CatalogCounts:
    """The sizes of catalog lists, per catalog version (`core.paging.ListCounts`): paging
    through a list counts it once, not on every page. For one request: it remembers the
    version each size was looked up at, which is the version a new count is stored under."""

    def __init__(self, store: CacheStore) -> None:
        self.store = store
        self.versions: dict[str, str] = {}

    async def get(self, identity: str) -> int | None:
        breaker = self.store.breaker
        if breaker.is_open():
            return None
        try:
            version, total = await self.store.lookup_count(identity)
        except CACHE_ERRORS:  # the store counted the failure, once for its whole batch
            return None
        self.versions[identity] = version
        return total

    async def put(self, identity: str, total: int) -> None:
        version = self.versions.get(identity)
        if version is not None and not self.store.breaker.is_open():
            await self.store.store_count(version, identity, total)


class ResponseCache:
    """The cache for one request. Build it with `get_response_cache` (`CatalogCache`)."""

    def __init__(self, store: CacheStore, max_age: int):
        self.store = store
        self.max_age = max_age
        self.counts = CatalogCounts(store)

    async def respond(self, request: Request, render: Callable[[], Awaitable[bytes]]) -> Response:
        """The cached response for this path and query, or `render()`'s bytes, stored.

        `render` returns the JSON body; what it raises (a 404, say) propagates, and nothing is
        cached. Redis failures never fail the request: the body is rendered instead.
        """
        scope = request.scope
        looked_up = scope.get(LOOKED_UP_KEY)
        resource = resource_of(scope, self.store.routes.declared_query(scope.get("route")))
        if resource is None:
            return await self._bypass(request, render, "uncacheable")
        if looked_up == FAILED or self.store.breaker.is_open():
            return await self._bypass(request, render)
        if isinstance(looked_up, Lookup):  # the fast path looked it up and missed
            version = looked_up.version
        else:
            try:
                found = await self.store.lookup(resource)  # the store counts its failures
            except CACHE_ERRORS:
                return await self._bypass(request, render)
            if found.entry is not None:
                self.store.routes.learn(scope)
                HIT.inc()
                return self._answer(request, found.entry)
            version = found.version
        entry, shared = await self.store.render_once(version, resource, render)
        if entry is None:  # cannot be: `render` returns bytes or raises
            raise RuntimeError("a catalog render returned nothing")
        self.store.routes.learn(scope)
        CATALOG_CACHE.labels(result="coalesced" if shared else "miss").inc()
        return self._answer(request, entry)

    async def respond_with(
        self, request: Request, produce: Callable[[], Awaitable[BaseModel]]
    ) -> Response:
        """`respond`, for a route whose answer is a Pydantic model."""

        async def render() -> bytes:
            return (await produce()).model_dump_json().encode()

        return await self.respond(request, render)

    async def invalidate(self) -> None:
        """Make every cached catalog response obsolete; `ServiceUnavailable` if Redis cannot.

        Services that change the catalog call it twice. Before the commit: if Redis is down the
        write fails fast with a 503, with nothing changed (a write that could not be invalidated
        would leave stale reads for up to the TTL). After the commit: a reader that read the
        version between the first call and the commit may have cached the old rows, but under
        a version that this second call makes obsolete. After the commit, a failure can no
        longer undo the write: use `invalidate_quietly` there.
        """
        await self.store.invalidate()

    async def invalidate_quietly(self) -> bool:
        """`invalidate`, best effort (after a commit): logs and swallows a failure.

        Returns whether it succeeded."""
        try:
            await self.invalidate()
        except ServiceUnavailable:
            logger.warning("could not invalidate the catalog cache after a write")
            return False
        return True

    async def _bypass(
        self, request: Request, render: Callable[[], Awaitable[bytes]], result: str = "bypass"
    ) -> Response:
        body = await render()
        self.store.routes.learn(request.scope)  # the fast path may render its next requests
        CATALOG_CACHE.labels(result=result).inc()
        return self._answer(request, Entry(make_etag(body), body))

    def _answer(self, request: Request, entry: Entry) -> Response:
        if_none_match = ", ".join(request.headers.getlist("if-none-match"))
        return entry_response(entry, self.max_age, if_none_match)


async def get_response_cache(request: Request) -> ResponseCache:
    state = request.app.state
    return ResponseCache(cache_store(state), state.settings.cache_max_age_seconds)


CatalogCache = Annotated[ResponseCache, Depends(get_response_cache)]
