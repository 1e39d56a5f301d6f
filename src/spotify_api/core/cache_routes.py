"""The routes that answer through the response cache, as this process has seen them.

The cache learns a route the first time it answers through it: then `CachedReadFastPath` can
recognise its requests before routing. It also knows which query parameters each route
declares, so that a parameter no route reads (`?_=1700000000`, a client's cache-buster, or
random junk) does not make a new entry: such a request is rendered and never stored, and a
client cannot fill Redis with copies of one answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.types import Scope


def route_path(scope: Scope) -> str:
    """The path as routing sees it: without the root path the app is mounted at."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def declared_query_names(route: Any) -> frozenset[str] | None:
    """The query parameters a FastAPI route (and its dependencies) read; None if unknown
    (not a FastAPI route, or one that reads a whole model of parameters)."""
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        for field in current.query_params:
            annotation = getattr(field.field_info, "annotation", None)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                return None
            names.add(field.alias)
        pending.extend(current.dependencies)
    return frozenset(names)


class CachedRoutes:
    def __init__(self) -> None:
        self._routes: list[Any] = []
        self._declared: dict[int, frozenset[str] | None] = {}

    def learn(self, scope: Scope) -> None:
        """Remember the route serving this request, if its pattern matches the request's path."""
        route = scope.get("route")
        if route is None or route in self._routes:
            return
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(route_path(scope)):
            self._routes.append(route)

    def route_for(self, scope: Scope) -> Any:
        """The learned route whose pattern matches this request's path, or None."""
        path = route_path(scope)
        for route in self._routes:
            if route.path_regex.match(path):
                return route
        return None

    def declared_query(self, route: Any) -> frozenset[str] | None:
        """`declared_query_names(route)`, worked out once per route."""
        if route is None:
            return None
        key = id(route)
        if key not in self._declared:
            self._declared[key] = declared_query_names(route)
        return self._declared[key]
