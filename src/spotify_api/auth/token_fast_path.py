"""Reads that need only the caller's token, answered before routing.

`GET /me` and `GET /playlists/{id}` are what a signed-in client asks most, and their work is one
session look-up and one statement: FastAPI's routing and dependency solving cost more than
both. For a request to a registered route that is the ordinary case, this middleware answers
with what the route would: a GET (or a HEAD, made a GET outside) of the route's path with no
query, one `Authorization: Bearer` token whose session is live and carries every scope the
route declares, and a render that finds the resource and answers it (the same function the
route answers with). Anything else goes on to the route, untouched, which answers as it always
does: no token or another scheme, a token unknown, expired or revoked (resolving it again finds
it gone), a scope missing, a path parameter the render does not take, a resource not there.

The scopes come from the route itself (its `Security` dependencies on the bearer scheme), so
the two cannot drift apart; a route that needs a role-bearing scope, which the route re-checks
in the database, is never answered here. An error on the way (Redis or PostgreSQL unable to
answer) is answered by the app's own exception handlers, as it would be from the route.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from spotify_api.auth.deps import get_auth_session
from spotify_api.auth.scopes import ROLE_BEARING
from spotify_api.auth.stores import session_store
from spotify_api.core.cache_routes import route_path
from spotify_api.core.errors import handled_error_response

TokenRender = Callable[[State, uuid.UUID, Mapping[str, str]], Awaitable[Response | None]]
"""(the app's state, the caller's user id, the path parameters) to the route's answer, or None
to let the route answer."""

TokenRenders = Mapping[str, TokenRender]
"""Renders by the path template of the GET route they answer for."""

_AUTHORIZATION = b"authorization"


@dataclass(frozen=True, slots=True)
class _TokenRoute:
    route: APIRoute
    scopes: frozenset[str]
    render: TokenRender


def _bearer_scopes(dependant: Dependant) -> frozenset[str] | None:
    """The scopes the route's bearer scheme asks for; None if it has no bearer dependency."""
    found: set[str] | None = None
    pending = [dependant]
    while pending:
        current = pending.pop()
        if current.call is get_auth_session:
            found = found or set()
            found.update(current.parent_oauth_scopes or ())
            found.update(current.own_oauth_scopes or ())
        pending.extend(current.dependencies)
    return None if found is None else frozenset(found)


def token_routes(routes: Sequence[BaseRoute], renders: TokenRenders) -> list[_TokenRoute]:
    """The app's GET routes (included routers' too) that `renders` answer for, with their
    scopes; routes that need no token or a role-bearing scope are left out."""
    found = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        render = renders.get(context.path or "")
        if render is None or not isinstance(route, APIRoute) or "GET" not in (route.methods or ()):
            continue
        scopes = _bearer_scopes(route.dependant)
        if scopes is not None and not scopes & ROLE_BEARING:
            found.append(_TokenRoute(route, scopes, render))
    return found


class TokenReadFastPath:
    """Answers `app.state.token_renders`' routes before routing (see the module); the routes are
    worked out again whenever the renders on the state are replaced (tests turn them off)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._renders: TokenRenders | None = None
        self._routes: list[_TokenRoute] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope.get("query_string"):
            await self.app(scope, receive, send)
            return
        authorization = [value for name, value in scope["headers"] if name == _AUTHORIZATION]
        found = self._match(scope) if len(authorization) == 1 else None
        if found is None:
            await self.app(scope, receive, send)
            return
        token_route, params = found
        scheme, token = get_authorization_scheme_param(authorization[0].decode("latin-1"))
        if scheme.lower() != "bearer" or not token:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        try:
            session = await session_store(state).resolve(token)
            response = None
            if session is not None and token_route.scopes <= session.scopes:
                response = await token_route.render(state, session.user_id, params)
        except Exception as error:
            response = await handled_error_response(Request(scope), error)
        if response is None:
            await self.app(scope, receive, send)  # the route answers, with its own errors
            return
        scope["route"] = token_route.route  # for the access log and metrics, as routing would
        await response(scope, receive, send)

    def _match(self, scope: Scope) -> tuple[_TokenRoute, dict[str, str]] | None:
        app = scope["app"]
        renders: TokenRenders = getattr(app.state, "token_renders", {})
        if renders is not self._renders:
            self._routes, self._renders = token_routes(app.router.routes, renders), renders
        path = route_path(scope)
        for token_route in self._routes:
            match = token_route.route.path_regex.match(path)
            if match is not None:
                return token_route, match.groupdict()
        return None
