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

The playlists' item changes (`POST /playlists/{id}/add-song` and the like) are answered here
too, by `token_changes`: the same checks of the token, then the request's body, read whole, goes
to the change, which answers the ordinary case by calling the route's own function with what its
dependencies would have made, or None to let the route answer, with the body handed on as it
came.

The scopes come from the route itself (its `Security` dependencies on the bearer scheme), so
the two cannot drift apart; a route that needs a role-bearing scope, which the route re-checks
in the database, is never answered here. An error on the way (Redis or PostgreSQL unable to
answer) is answered by the app's own exception handlers, as it would be from the route.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spotify_api.auth.deps import get_auth_session
from spotify_api.auth.scopes import ROLE_BEARING
from spotify_api.auth.sessions import AuthSession
from spotify_api.auth.stores import session_store
from spotify_api.core.cache_routes import route_path
from spotify_api.core.errors import handled_error_response

TokenRender = Callable[[State, uuid.UUID, Mapping[str, str]], Awaitable[Response | None]]
"""(the app's state, the caller's user id, the path parameters) to the route's answer, or None
to let the route answer."""

TokenRenders = Mapping[str, TokenRender]
"""Renders by the path template of the GET route they answer for."""

TokenChange = Callable[[Request, AuthSession, Mapping[str, str], bytes], Awaitable[Response | None]]
"""(the request, the caller's session, the path parameters, the body) to the route's answer,
or None to let the route answer."""

TokenChanges = Mapping[str, TokenChange]
"""Changes by the path template of the POST route they answer for."""

_AUTHORIZATION = b"authorization"


@dataclass(frozen=True, slots=True)
class _TokenRoute:
    route: APIRoute
    scopes: frozenset[str]
    render: TokenRender | TokenChange


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


def token_routes(
    routes: Sequence[BaseRoute], renders: Mapping[str, TokenRender | TokenChange], method: str
) -> list[_TokenRoute]:
    """The app's `method` routes (included routers' too) that `renders` answer for, with their
    scopes; routes that need no token or a role-bearing scope are left out."""
    found = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        render = renders.get(context.path or "")
        if render is None or not isinstance(route, APIRoute) or method not in (route.methods or ()):
            continue
        scopes = _bearer_scopes(route.dependant)
        if scopes is not None and not scopes & ROLE_BEARING:
            found.append(_TokenRoute(route, scopes, render))
    return found


class TokenReadFastPath:
    """Answers `app.state.token_renders`' and `token_changes`' routes before routing (see the
    module); the routes are worked out again whenever those on the state are replaced (tests
    turn them off)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._known: dict[str, tuple[object, list[_TokenRoute]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"] if scope["type"] == "http" else ""
        if method not in _TAKEN or scope.get("query_string"):
            await self.app(scope, receive, send)
            return
        authorization = [value for name, value in scope["headers"] if name == _AUTHORIZATION]
        found = self._match(scope, method) if len(authorization) == 1 else None
        if found is None:
            await self.app(scope, receive, send)
            return
        token_route, params = found
        scheme, token = get_authorization_scheme_param(authorization[0].decode("latin-1"))
        if scheme.lower() != "bearer" or not token:
            await self.app(scope, receive, send)
            return
        body = b""
        if method == "POST":
            try:
                read, receive = await _read_body(receive)
            except Exception as error:  # the body-size limit's 413, answered as by the route
                refused = await handled_error_response(Request(scope, receive), error)
                await refused(scope, receive, send)
                return
            if read is None:  # the client went away
                await self.app(scope, receive, send)
                return
            body = read
        state = scope["app"].state
        request = Request(scope, receive)
        try:
            session = await session_store(state).resolve(token)
            response = None
            if session is not None and token_route.scopes <= session.scopes:
                if method == "POST":
                    change = cast(TokenChange, token_route.render)
                    response = await change(request, session, params, body)
                else:
                    render = cast(TokenRender, token_route.render)
                    response = await render(state, session.user_id, params)
        except Exception as error:
            response = await handled_error_response(request, error)
        if response is None:
            await self.app(scope, receive, send)  # the route answers, with its own errors
            return
        scope["route"] = token_route.route  # for the access log and metrics, as routing would
        await response(scope, receive, send)

    def _match(self, scope: Scope, method: str) -> tuple[_TokenRoute, dict[str, str]] | None:
        app = scope["app"]
        renders = getattr(app.state, _RENDERS_BY_METHOD[method], {})
        known = self._known.get(method)
        if known is None or known[0] is not renders:
            known = (renders, token_routes(app.router.routes, renders, method))
            self._known[method] = known
        path = route_path(scope)
        for token_route in known[1]:
            match = token_route.route.path_regex.match(path)
            if match is not None:
                return token_route, match.groupdict()
        return None


_RENDERS_BY_METHOD = {"GET": "token_renders", "POST": "token_changes"}
_TAKEN = frozenset(_RENDERS_BY_METHOD)


async def _read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The request's whole body (None if the client left first), and a `receive` that hands it
    on as it came, for the route if the change leaves the request to it. The body-size limit
    runs before this middleware."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, _replaying([message], receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, _replaying([{"type": "http.request", "body": body, "more_body": False}], receive)


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
