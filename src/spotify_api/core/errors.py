"""Domain errors, and the handlers that turn every error the app can raise into problem+json.

Services raise `DomainError` subclasses; each carries its HTTP status and a stable `code` that
clients switch on. Only this module knows how they look on the wire (RFC 9457).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar, TypeAlias

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from spotify_api.core.routing import slash_redirect

logger = logging.getLogger("spotify_api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_type(code: str) -> str:
    return f"urn:spotify-api:problem:{code}"


class DomainError(Exception):
    """An expected failure with a stable code. Subclasses set the status and code."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    default_detail: ClassVar[str] = "The request cannot be served."

    def __init__(self, detail: str | None = None, *, headers: Mapping[str, str] | None = None):
        self.detail = detail or self.default_detail
        self.headers = dict(headers or {})
        super().__init__(self.detail)

    @classmethod
    def title(cls) -> str:
        return HTTPStatus(cls.status_code).phrase


class BadRequest(DomainError):
    status_code = 400
    code = "bad_request"


class MalformedJson(BadRequest):
    code = "invalid_json"
    default_detail = "The request body is not valid JSON."


class NotAuthenticated(DomainError):
    status_code = 401
    code = "not_authenticated"
    default_detail = "A valid bearer token is required."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class PermissionDenied(DomainError):
    status_code = 403
    code = "forbidden"
    default_detail = "You may not do this."


class InsufficientScope(PermissionDenied):
    code = "insufficient_scope"
    default_detail = "The token lacks a scope this operation needs."

    def __init__(self, needed: Sequence[str]) -> None:
        scopes = " ".join(needed)
        super().__init__(
            f"This operation needs the scope(s): {scopes}.",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scopes}"'},
        )


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = "Nothing exists at this address."


class MethodNotAllowed(DomainError):
    status_code = 405
    code = "method_not_allowed"
    default_detail = "This method is not allowed on this resource."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"
    default_detail = "The request body is too large."


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    default_detail = "This content type is not accepted here."


class Unprocessable(DomainError):
    status_code = 422
    code = "unprocessable"


class ValidationFailed(Unprocessable):
    code = "validation_error"
    default_detail = "The request is not valid."


class InvalidField(ValidationFailed):
    """A well-formed body field that is wrong in context: the 422 names it, as validation does."""

    def __init__(self, field: str, message: str, kind: str = "invalid") -> None:
        super().__init__(f"{field}: {message}")
        self.errors = [{"loc": ["body", field], "msg": message, "type": kind}]


class InvalidReference(InvalidField):
    """A body names a row that does not exist."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message, "not_found")


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"
    default_detail = "Too many attempts; try again later."

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class InternalError(DomainError):
    status_code = 500
    code = "internal_error"
    default_detail = "Something went wrong on our side."


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"
    default_detail = "A backing service is not answering; try again shortly."

    def __init__(self, detail: str | None = None, *, retry_after: int = 5) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


def problem_body(
    status: int, code: str, detail: str, instance: str | None, title: str | None = None
) -> dict[str, Any]:
    return {
        "type": problem_type(code),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }


def problem_response(
    error: DomainError, request: Request, extra: Mapping[str, Any] | None = None
) -> JSONResponse:
    body = problem_body(error.status_code, error.code, error.detail, request.url.path)
    body.update(extra or {})
    return JSONResponse(
        body, status_code=error.status_code, headers=error.headers, media_type=PROBLEM_MEDIA_TYPE
    )


def domain_error_response(error: DomainError, request: Request) -> JSONResponse:
    errors = getattr(error, "errors", None)
    return problem_response(error, request, {"errors": errors} if errors is not None else None)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_error_response(exc, request)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    issues = exc.errors()
    if any(issue.get("type") == "json_invalid" for issue in issues):
        return problem_response(MalformedJson(), request)
    errors = [
        {"loc": list(issue["loc"]), "msg": issue["msg"], "type": issue["type"]} for issue in issues
    ]
    return problem_response(ValidationFailed(), request, {"errors": errors})


_STATUS_ERRORS: dict[int, type[DomainError]] = {
    error.status_code: error
    for error in (
        BadRequest,
        NotAuthenticated,
        NotFound,
        MethodNotAllowed,
        PayloadTooLarge,
        UnsupportedMediaType,
        ServiceUnavailable,
    )
}


_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _allowed_methods(request: Request) -> str | None:
    """Every method of the path a 405 was for, as the spec lists them.

    Starlette's own `Allow` names the methods of the one route it tried (`GET` for `/albums`,
    forgetting `POST`); RFC 9110 wants all the methods the resource supports.
    """
    path = getattr(request.scope.get("route"), "path", None)
    operations = request.app.openapi().get("paths", {}).get(path, {})
    methods = {method.upper() for method in operations if method in _METHODS}
    if "GET" in methods:
        methods.add("HEAD")  # answered as GET is, without the body (`HeadAsGet`)
    return ", ".join(sorted(methods)) or None


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) in the same shape as ours; an
    unknown path that a route serves with or without its trailing slash is redirected."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        redirect = slash_redirect(request)
        if redirect is not None:
            return redirect
    error_class = _STATUS_ERRORS.get(exc.status_code)
    if error_class is None:
        code, detail = "http_error", str(exc.detail)
    else:
        code, detail = error_class.code, error_class.default_detail
    headers = dict(exc.headers or {})
    allowed = _allowed_methods(request) if exc.status_code == 405 else None
    if allowed is not None:
        headers["Allow"] = allowed
    body = problem_body(exc.status_code, code, detail, request.url.path)
    return JSONResponse(body, exc.status_code, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


# PostgreSQL's answers that mean "not now": statement or lock time-out, shutting down,
# starting up, too many connections.
#: SQLSTATEs of a database that cannot answer now: a statement or lock time-out, a server
#: shutting down or starting, too many connections.
UNAVAILABLE_SQLSTATES = frozenset({"57014", "55P03", "57P01", "57P03", "53300"})


#: A failed statement, through SQLAlchemy or straight from asyncpg (`core.reads`,
#: `core.transactions`).
DATABASE_ERRORS = (DBAPIError, asyncpg.PostgresError)
DatabaseError: TypeAlias = DBAPIError | asyncpg.PostgresError


def _driver_field(error: DatabaseError, name: str) -> str | None:
    """A text field of the driver's error: asyncpg's carries all of them (the SQLSTATE, the
    constraint's name); SQLAlchemy's adapted error some, its cause (asyncpg's) the rest."""
    if isinstance(error, asyncpg.PostgresError):
        candidates: tuple[object, ...] = (error,)
    else:
        candidates = (error.orig, getattr(error.orig, "__cause__", None))
    for candidate in candidates:
        value = getattr(candidate, name, None)
        if isinstance(value, str):
            return value
    return None


def sqlstate(error: DatabaseError) -> str | None:
    """PostgreSQL's SQLSTATE of a failed statement; None on SQLite."""
    return _driver_field(error, "sqlstate")


def constraint_name(error: DatabaseError) -> str | None:
    """The constraint PostgreSQL names as broken, if any (SQLite names none)."""
    return _driver_field(error, "constraint_name")


def sqlite_error_name(error: DBAPIError) -> str | None:
    """SQLite's extended result code of a failed statement (`SQLITE_CONSTRAINT_UNIQUE`, …)."""
    name = getattr(error.orig, "sqlite_errorname", None)
    return name if isinstance(name, str) else None


def is_backend_unavailable(exc: BaseException) -> bool:
    """Whether an error means a backing service could not answer in time."""
    if isinstance(exc, PoolTimeoutError | OperationalError | InterfaceError | RedisError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or sqlstate(exc) in UNAVAILABLE_SQLSTATES
    if isinstance(exc, asyncpg.PostgresError):
        return sqlstate(exc) in UNAVAILABLE_SQLSTATES
    # asyncpg's own: a connection lost or left in a state it cannot leave.
    # (Its client-side refusal of an argument, a ValueError too, is the caller's error.)
    lost = (asyncpg.InterfaceError, asyncpg.InternalClientError, TimeoutError, ConnectionError)
    return isinstance(exc, lost) and not isinstance(exc, ValueError)


async def _backend_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """A database or Redis that is down or too slow: the client may retry, so 503, not 500."""
    if not is_backend_unavailable(exc):
        raise exc
    logger.warning("backend unavailable: %s", type(exc).__name__, extra={"path": request.url.path})
    retry_after = request.app.state.settings.retry_after_seconds
    return problem_response(ServiceUnavailable(retry_after=retry_after), request)


async def handled_error_response(request: Request, exc: Exception) -> Response:
    """The answer the app's exception handlers give `exc`, for middleware that answers before
    routing and so outside the handlers: the same answer the error would get from a route.
    Raises `exc` when no handler takes it (the last-resort 500 then answers)."""
    handlers = request.app.exception_handlers
    for error_class in type(exc).__mro__:
        handler = handlers.get(error_class)
        if handler is not None and error_class is not Exception:
            response: Response = await handler(request, exc)
            return response
    raise exc


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for error_class in (
        PoolTimeoutError,
        DBAPIError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        asyncpg.InternalClientError,
        RedisError,
        TimeoutError,
        ConnectionError,
    ):
        app.add_exception_handler(error_class, _backend_unavailable)
