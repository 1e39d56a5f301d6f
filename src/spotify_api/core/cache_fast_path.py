"""Cache hits answered before routing: the catalog's hot path, as plain ASGI.

A cached read needs neither FastAPI's routing and dependency solving nor a database session:
its answer is the stored bytes. The response cache learns which GET routes answer through it
(each one, in this process, the first time it does); for a request to one of them, this
middleware looks the resource up and on a hit sends the entry itself. On a miss it tells the
route that the look-up was made (so that the route goes straight to claiming the render) and
hands the request on. An entry exists only for a request that the route itself validated and
rendered, so a hit skips no check: invalid parameters are never stored (the key keeps every
parameter, empty ones too), and a request with an `If-None-Match` longer than the routes accept
is handed to the route, which refuses it. The body-size limit runs before this middleware.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from spotify_api.core.cache import (
    FAILED,
    HIT,
    IF_NONE_MATCH_MAX,
    LOOKED_UP_KEY,
    MISSED,
    entry_response,
    resource_of,
)
from spotify_api.core.cache_store import CACHE_ERRORS, cache_store


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
        resource = resource_of(scope, store.routes.declared_query(route))
        if resource is None or breaker.is_open() or len(if_none_match) > IF_NONE_MATCH_MAX:
            await self.app(scope, receive, send)  # the route validates, or renders itself
            return
        try:
            found = await store.lookup(resource)
        except CACHE_ERRORS:  # the store counted the failure, once for its whole batch
            scope[LOOKED_UP_KEY] = FAILED
            await self.app(scope, receive, send)
            return
        if found.entry is None:
            scope[LOOKED_UP_KEY] = MISSED
            await self.app(scope, receive, send)
            return
        HIT.inc()
        scope["route"] = route  # for the access log and metrics, as routing would have set
        response = entry_response(
            found.entry,
            app_state.settings.cache_max_age_seconds,
            if_none_match.decode("latin-1"),
        )
        await response(scope, receive, send)
