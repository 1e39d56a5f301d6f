"""The error model: every failure is problem+json with a stable code, a request id, no trace."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import PASSWORD, assert_problem

MAX_BODY = 1024 * 1024  # the documented limit; the test settings keep the default
ALLOWED_ORIGIN = "http://localhost:3000"  # the test settings' only CORS origin
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body streamed without Content-Length (httpx sends it chunked)."""
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


# Routing


async def test_an_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    problem = assert_problem(await client.get("/no/such/thing"), 404, "not_found")
    assert problem["instance"] == "/no/such/thing"
    assert problem["type"].endswith("not_found")


async def test_a_wrong_method_is_a_405_problem_that_keeps_the_allow_header(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/login")
    assert_problem(response, 405, "method_not_allowed")
    assert "POST" in response.headers["allow"]


# Bodies


async def test_malformed_json_is_a_400_invalid_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/register",
        content=b'{"username": "ada", "email": ',
        headers={"Content-Type": "application/json"},
    )
    problem = assert_problem(response, 400, "invalid_json")
    assert "errors" not in problem


@pytest.mark.parametrize("body", [[], ["ada"], "ada", 42, None])
async def test_json_that_is_not_an_object_is_a_422_validation_error(
    client: httpx.AsyncClient, body: Any
) -> None:
    response = await client.post("/register", json=body)
    problem = assert_problem(response, 422, "validation_error")
    assert problem["errors"]
    assert all(error["loc"][0] == "body" for error in problem["errors"])


@pytest.mark.parametrize("path", ["/register", "/login"])
async def test_a_body_announced_over_the_limit_is_413(client: httpx.AsyncClient, path: str) -> None:
    response = await client.post(
        path, content=b" " * (MAX_BODY + 1), headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


@pytest.mark.parametrize("path", ["/register", "/login"])
async def test_a_streamed_body_over_the_limit_is_413(client: httpx.AsyncClient, path: str) -> None:
    request = client.build_request(
        "POST", path, content=chunks(MAX_BODY + 1), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in request.headers
    response = await client.send(request)
    assert_problem(response, 413, "payload_too_large")


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "streamed"])
async def test_a_body_at_the_limit_is_not_413(client: httpx.AsyncClient, streamed: bool) -> None:
    # Valid JSON (an object padded with whitespace) of exactly the limit: a 422, not a 413.
    payload = b'{"username": "ada"}'
    body = payload + b" " * (MAX_BODY - len(payload))
    assert len(body) == MAX_BODY
    headers = {"Content-Type": "application/json"}

    async def stream() -> AsyncIterator[bytes]:
        yield body[: MAX_BODY // 2]
        yield body[MAX_BODY // 2 :]

    response = await client.post(
        "/register", content=stream() if streamed else body, headers=headers
    )
    problem = assert_problem(response, 422, "validation_error")
    assert sorted(error["loc"][-1] for error in problem["errors"]) == ["email", "password"]


async def test_a_body_just_under_the_limit_that_is_not_json_is_400(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/register",
        content=b"x" * (MAX_BODY - 1),
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 400, "invalid_json")


# Unexpected exceptions


async def test_an_unexpected_exception_is_a_bare_500_problem(
    app_with: Callable[..., Any],
) -> None:
    async with app_with() as app:

        async def explode() -> None:
            raise RuntimeError("secret detail")

        app.add_api_route("/test-only/explode", explode, methods=["GET"])
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get("/test-only/explode")

    problem = assert_problem(response, 500, "internal_error")
    assert problem["instance"] == "/test-only/explode"
    assert "secret detail" not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    assert REQUEST_ID.fullmatch(response.headers["x-request-id"])


# Request ids


@pytest.mark.parametrize(
    "request_id", ["abc123", "f47ac10b-58cc-4372-a567-0e02b2c3d479", "trace:1.2_3", "a" * 128]
)
async def test_a_valid_request_id_is_echoed(client: httpx.AsyncClient, request_id: str) -> None:
    response = await client.get("/health", headers={"X-Request-ID": request_id})
    assert response.headers["x-request-id"] == request_id


@pytest.mark.parametrize(
    "request_id", ["a" * 300, "a" * 129, "has spaces", "new\tline", "<script>", "semi;colon"]
)
async def test_an_invalid_request_id_is_replaced_by_a_fresh_one(
    client: httpx.AsyncClient, request_id: str
) -> None:
    first = await client.get("/health", headers={"X-Request-ID": request_id})
    second = await client.get("/health", headers={"X-Request-ID": request_id})
    for response in (first, second):
        assert response.headers["x-request-id"] != request_id
        assert REQUEST_ID.fullmatch(response.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get("/health"),
        await client.get("/no/such/thing"),
        await client.get("/login"),
        await client.post("/register", json={}),
        await client.post("/register", content=b"{", headers={"Content-Type": "application/json"}),
        await client.get("/me"),
        await client.post(
            "/register", content=b" " * (MAX_BODY + 1), headers={"Content-Type": "application/json"}
        ),
    ]
    assert [r.status_code for r in responses] == [200, 404, 405, 422, 400, 401, 413]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(request_id and REQUEST_ID.fullmatch(request_id) for request_id in ids), ids
    assert len(set(ids)) == len(ids)


# CORS


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_a_preflight_from_an_allowed_origin_is_allowed_for_that_origin_only(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options("/register", headers=preflight(ALLOWED_ORIGIN))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers


async def test_a_preflight_is_allowed_for_every_method_the_api_has(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """A browser app can call every operation: no method of the spec is refused before it."""
    operations = {
        (path, method.upper())
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert {method for _, method in operations} >= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    for path, method in sorted(operations):
        headers = {**preflight(ALLOWED_ORIGIN), "Access-Control-Request-Method": method}
        response = await client.options(path, headers=headers)
        assert response.status_code == 200, (path, method, response.text)
        assert method in response.headers["access-control-allow-methods"]


async def test_a_simple_request_from_an_allowed_origin_names_that_origin(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/health", headers={"Origin": ALLOWED_ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost:3001", "null"])
async def test_another_origin_gets_no_allow_origin(client: httpx.AsyncClient, origin: str) -> None:
    preflight_response = await client.options("/register", headers=preflight(origin))
    simple_response = await client.get("/health", headers={"Origin": origin})
    for response in (preflight_response, simple_response):
        assert "access-control-allow-origin" not in response.headers
    problem = assert_problem(preflight_response, 400, "cors_rejected")
    assert "origin" in problem["detail"]


async def test_cors_never_answers_with_a_wildcard(client: httpx.AsyncClient) -> None:
    await client.post(
        "/register",
        json={"username": "ada", "email": "ada@example.com", "password": PASSWORD},
    )
    for response in (
        await client.options("/login", headers=preflight(ALLOWED_ORIGIN)),
        await client.post(
            "/login",
            json={"username": "ada", "password": PASSWORD},
            headers={"Origin": ALLOWED_ORIGIN},
        ),
        await client.get("/no/such/thing", headers={"Origin": ALLOWED_ORIGIN}),
    ):
        assert response.headers.get("access-control-allow-origin") == ALLOWED_ORIGIN
