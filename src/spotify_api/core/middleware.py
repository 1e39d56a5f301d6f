"""ASGI middleware: request ids, the access log, metrics, the last-resort 500, HEAD, private
answers, body limits, CORS."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from contextvars import ContextVar

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spotify_api.core.errors import PROBLEM_MEDIA_TYPE, InternalError, problem_body
from spotify_api.core.metrics import LATENCY, REQUESTS

access_log = logging.getLogger("spotify_api.access")
error_log = logging.getLogger("spotify_api.errors")

REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode()
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER_BYTES:
            given: str = value.decode("latin-1")
            if _VALID_REQUEST_ID.fullmatch(given):
                return given
            break
    return os.urandom(16).hex()


class RequestContextMiddleware:
    """Gives each request an id, logs one JSON line for it, counts it, and never leaks a trace.

    An exception that escapes the app is logged with the request id and answered with a bare
    500 problem here, inside the middleware stack, so that the response still carries the id.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", ()),
                    (REQUEST_ID_HEADER_BYTES, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            error_log.exception("unhandled error", extra={"request_id": request_id})
            if not response_started:
                await _send_internal_error(scope, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            REQUESTS.labels(scope["method"], template, str(status)).inc()
            LATENCY.labels(scope["method"], template).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": template,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                        "client": (scope.get("client") or ("-",))[0],
                    },
                )
            request_id_var.reset(token)


async def _send_internal_error(scope: Scope, send: Send) -> None:
    body = json.dumps(
        problem_body(500, InternalError.code, InternalError.default_detail, scope["path"])
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """HEAD is answered as GET is (status, headers, ETag, Content-Length), without the body.

    FastAPI's routes answer only the methods they declare, so HEAD was 405; declaring it on
    every read would add operations to the spec with duplicate ids. The app sees a GET, in a
    copy of the scope: the server's scope keeps HEAD (uvicorn then sends no body either), and
    the route that served the request is copied back for the access log and metrics.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        as_get = {**scope, "method": "GET"}

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(as_get, receive, send_without_body)
        finally:
            if "route" in as_get:
                scope["route"] = as_get["route"]


PRIVATE_NO_STORE = b"private, no-store"


class PrivateByDefault:
    """`Cache-Control: private, no-store` on every answer to a request with credentials (an
    `Authorization` header) that sets no Cache-Control of its own: what a token fetched (an
    account, a user list, a playlist change, an error about them) is for its holder, and no
    shared cache may keep it. Routes that set one keep it: the catalog's public reads, and
    `private, no-cache` where a playlist's ETag serves revalidation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(
            name == b"authorization" for name, _ in scope["headers"]
        ):
            await self.app(scope, receive, send)
            return

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message = {
                        **message,
                        "headers": [*headers, (b"cache-control", PRIVATE_NO_STORE)],
                    }
            await send(message)

        await self.app(scope, receive, send_private)


class BodySizeLimitMiddleware:
    """413 for bodies over the limit, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            too_large = declared.isdigit()
            status, code = (413, "payload_too_large") if too_large else (400, "bad_request")
            detail = (
                f"The request body exceeds {self.max_bytes} bytes."
                if too_large
                else "The Content-Length header is not a number."
            )
            body = json.dumps(problem_body(status, code, detail, scope["path"])).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, f"The request body exceeds {self.max_bytes} bytes.")
            return message

        await self.app(scope, receive if declared == "0" else counting_receive, send)


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered as problem+json like every error."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        detail = bytes(response.body).decode() + "."
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        headers.pop("content-type", None)
        return JSONResponse(
            problem_body(response.status_code, "cors_rejected", detail, None),
            status_code=response.status_code,
            headers=headers,
            media_type=PROBLEM_MEDIA_TYPE,
        )
