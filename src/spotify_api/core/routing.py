"""Routing at its edges: a trailing slash, and a wrong method on a literal path.

Starlette redirects `/songs/` to `/songs` with an absolute URL built from the request's Host
header, which a client chooses: `Host: evil.example` got `Location: http://evil.example/songs`.
The app turns that off (`redirect_slashes=False`) and `slash_redirect` answers the unmatched
path with a relative `Location` instead, keeping the query.

A path is matched against the routes in order, and a route with a parameter takes any text in
it: `PATCH /playlists/create` matched `PATCH /playlists/{playlist_id}` and was refused as a
malformed id (422), though `/playlists/create` is a resource of its own, with `POST` only.
`LiteralPathGuard`, the first route, answers such a request 405 before the parameter does.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from spotify_api.core.cache_routes import route_path


def slash_redirect(request: Request) -> Response | None:
    """A 307 to the same path with its trailing slash added or removed, if a route serves
    that one; None otherwise. `Location` is relative: the path as sent, then the query."""
    scope = request.scope
    path = route_path(scope)
    if scope["type"] != "http" or path in ("", "/") or "endpoint" in scope:
        return None
    toggled = path.rstrip("/") if path.endswith("/") else path + "/"
    redirect_scope = {**scope, "path": scope.get("root_path", "") + toggled}
    if not any(route.matches(redirect_scope)[0] is not Match.NONE for route in request.app.routes):
        return None
    raw: bytes = scope.get("raw_path") or scope["path"].encode()
    location = (raw.rstrip(b"/") if path.endswith("/") else raw + b"/").decode("latin-1")
    # `//host/…` (or `/\host`) would be a URL of another host to a browser: never send it.
    if not location.startswith("/") or location[1:2] in ("/", "\\"):
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    return Response(
        status_code=307, headers={"Location": location + (f"?{query}" if query else "")}
    )


class LiteralPathGuard(BaseRoute):
    """Matches a request whose path is exactly a route's literal path (no parameters) but
    whose method none of that path's routes allow: it is answered 405, with `scope["route"]`
    set to one of them so that `Allow` names the path's methods."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._seen = -1
        self._literal: dict[str, tuple[Any, frozenset[str]]] = {}

    def _literal_paths(self) -> dict[str, tuple[Any, frozenset[str]]]:
        routes = self.app.router.routes
        if len(routes) != self._seen:  # routes were added (tests add some): look again
            literal: dict[str, tuple[Any, frozenset[str]]] = {}
            for route in iter_route_contexts(routes):  # included routers' routes too
                path, methods = route.path, route.methods
                if isinstance(path, str) and "{" not in path and methods:
                    first, known = literal.get(path, (route, frozenset()))
                    literal[path] = (first, known | {method.upper() for method in methods})
            self._literal, self._seen = literal, len(routes)
        return self._literal

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            found = self._literal_paths().get(route_path(scope))
            if found is not None and scope["method"] not in found[1]:
                return Match.FULL, {"route": found[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise HTTPException(405)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        from starlette.routing import NoMatchFound

        raise NoMatchFound(name, path_params)


def install_routing_edges(app: FastAPI) -> None:
    """Once the routes are in: the app is created with `redirect_slashes=False`."""
    app.router.routes.insert(0, LiteralPathGuard(app))
