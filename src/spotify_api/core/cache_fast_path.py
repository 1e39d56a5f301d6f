"""Cache hits answered before routing: the catalog's hot path, as plain ASGI.

A cached read needs neither FastAPI's routing and dependency solving nor a database session:
its answer is the stored bytes. The response cache learns which GET routes answer through it
(each one, in this process, the first time it does); for a request to one of them, this
middleware looks the resource up and on a hit sends the entry itself. On a miss it tells the
route that the look-up was made (so that the route goes straight to claiming the render) and
hands the request on. An entry exists only for a request that the route itself validated and
rendered, so a hit skips no check: invalid parameters are never stored (the key keeps every
parameter, empty ones too), and a request with an `If-None-Match` longer than the routes accept
is handed to the route, which refuses it. The body-size limit and the request deadline run
before this middleware.

A miss of a route that registered a fast render (`FastRenders`, keyed by the route's path
template: the catalog's details and lists) is rendered here too, from its path and query
parameters: the render returns the body the route would, or None when it cannot be sure of
that (a parameter in a form only the route's validation may judge, a repeated parameter, a
cursor that does not verify, a resource that does not exist), and then the route answers, with
its own validation and errors. So is a request that is never stored (a query parameter the
route does not declare) and one made while the cache is skipped: rendered here, not stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import State
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from spotify_api.core.cache import (
    FAILED,
    HIT,
    IF_NONE_MATCH_MAX,
    LOOKED_UP_KEY,
    entry_response,
    resource_of,
)
from spotify_api.core.cache_routes import route_path
from spotify_api.core.cache_store import CACHE_ERRORS, Entry, Lookup, cache_store, make_etag
from spotify_api.core.errors import DomainError, problem_response
from spotify_api.core.metrics import CATALOG_CACHE


@dataclass(frozen=True, slots=True)
class FastRequest:
    """What a fast render reads of a request: its path as `request.url.path` gives it, its
    path parameters, and its query parameters (each name given once)."""

    path: str
    params: Mapping[str, str]
    query: Mapping[str, str]


FastRender = Callable[[State, FastRequest], Awaitable[bytes | None]]
FastRenders = Mapping[str, FastRender]
"""Renders of cached routes, by path template: (the app's state, the request) to the body, or
None to let the route answer."""


def _query(scope: Scope) -> dict[str, str] | None:
    """The query's parameters as Starlette parses them; None if a name is repeated."""
    raw = scope.get("query_string", b"")
    if not raw:
        return {}
    items = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    query = dict(items)
    return query if len(query) == len(items) else None


class CachedReadFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        app_state = scope["app"].state
        store = cache_store(app_state)
        route = store.routes.route_for(scope)
        if route is None:
            await self.app(scope, receive, send)
            return
        breaker = store.breaker
        if_none_match = b", ".join(
            value for name, value in scope["headers"] if name == b"if-none-match"
        )
        if len(if_none_match) > IF_NONE_MATCH_MAX:
            await self.app(scope, receive, send)  # the route refuses it
            return
        resource = resource_of(scope, store.routes.declared_query(route))
        if resource is None or breaker.is_open():  # rendered every time, never stored
            result = "uncacheable" if resource is None else "bypass"
            try:
                entry = await self._render_alone(app_state, scope, route, result)
            except DomainError as error:
                await problem_response(error, Request(scope))(scope, receive, send)
                return
            if entry is None:
                await self.app(scope, receive, send)  # the route validates, or renders itself
                return
            await self._answer(app_state, scope, route, entry, if_none_match, receive, send)
            return
        try:
            found = await store.lookup(resource)
        except CACHE_ERRORS:  # the store counted the failure, once for its whole batch
            scope[LOOKED_UP_KEY] = FAILED
            await self.app(scope, receive, send)
            return
        entry = found.entry
        if entry is None:
            try:
                entry = await self._render(app_state, scope, route, resource, found)
            except DomainError as error:  # the database cannot answer: a 503
                await problem_response(error, Request(scope))(scope, receive, send)
                return
            if entry is None:
                scope[LOOKED_UP_KEY] = found
                await self.app(scope, receive, send)
                return
        else:
            HIT.inc()
        await self._answer(app_state, scope, route, entry, if_none_match, receive, send)

    async def _answer(
        self,
        app_state: State,
        scope: Scope,
        route: Any,
        entry: Entry,
        if_none_match: bytes,
        receive: Receive,
        send: Send,
    ) -> None:
        scope["route"] = route  # for the access log and metrics, as routing would have set
        response = entry_response(
            entry, app_state.settings.cache_max_age_seconds, if_none_match.decode("latin-1")
        )
        await response(scope, receive, send)

    def _fast_render(
        self, app_state: State, scope: Scope, route: Any
    ) -> Callable[[], Awaitable[bytes | None]] | None:
        """The route's fast render of this request, ready to call; None if it has none, or
        the request is in a shape only the route reads."""
        renders: FastRenders = getattr(app_state, "fast_renders", {})
        render = renders.get(route.path)
        if render is None:
            return None
        match = route.path_regex.match(route_path(scope))
        path: str = scope["path"]
        query = _query(scope)
        if match is None or query is None or any(c in path for c in "?#\\"):
            return None  # Starlette's URL would escape those characters of the path
        request = FastRequest(path, match.groupdict(), query)
        return lambda: render(app_state, request)

    async def _render(
        self, app_state: State, scope: Scope, route: Any, resource: str, found: Lookup
    ) -> Entry | None:
        render = self._fast_render(app_state, scope, route)
        if render is None:
            return None
        entry, shared = await cache_store(app_state).render_once(found.version, resource, render)
        if entry is not None:
            CATALOG_CACHE.labels(result="coalesced" if shared else "miss").inc()
        return entry

    async def _render_alone(
        self, app_state: State, scope: Scope, route: Any, result: str
    ) -> Entry | None:
        """A render that is not stored: `result` says why, in the cache's metrics."""
        render = self._fast_render(app_state, scope, route)
        body = None if render is None else await render()
        if body is None:
            return None
        CATALOG_CACHE.labels(result=result).inc()
        return Entry(make_etag(body), body)
