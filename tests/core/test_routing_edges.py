"""Routing at its edges: trailing-slash redirects, HEAD, and wrong methods on literal paths."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.helpers import assert_problem, bearer, login, register

FORGED_HOST = {"Host": "evil.example"}


# Trailing slashes


@pytest.mark.parametrize(
    ("sent", "location"),
    [
        ("/songs/", "/songs"),
        ("/songs/?limit=5&q=love", "/songs?limit=5&q=love"),
        ("/albums//", "/albums"),
        ("/docs/", "/docs"),
    ],
)
async def test_a_trailing_slash_redirect_is_relative_whatever_the_host(
    client: httpx.AsyncClient, sent: str, location: str
) -> None:
    response = await client.get(sent, headers=FORGED_HOST)
    assert response.status_code == 307
    assert response.headers["location"] == location
    assert "evil.example" not in response.headers["location"]


async def test_a_relative_redirect_is_followed_to_the_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/songs/?limit=1", follow_redirects=True)
    assert response.status_code == 200
    assert response.url.path == "/songs"


@pytest.mark.parametrize("path", ["//evil.example/songs/", "/no/such/thing/", "//"])
async def test_nothing_else_is_redirected(client: httpx.AsyncClient, path: str) -> None:
    # Sent raw: httpx would read `//evil.example/…` as a host.
    request = client.build_request("GET", "http://testserver/")
    request.url = request.url.copy_with(raw_path=path.encode())
    response = await client.send(request)
    assert "location" not in response.headers
    assert_problem(response, 404, "not_found")


# HEAD


@pytest.mark.parametrize("path", ["/songs", "/albums", "/artists", "/songs?limit=1", "/health"])
async def test_head_answers_as_get_without_the_body(client: httpx.AsyncClient, path: str) -> None:
    for _ in range(2):  # rendered by the route, then a hit of the cache's fast path
        got = await client.get(path)
        head = await client.head(path)
        assert head.status_code == got.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == str(len(got.content))
        for name in ("etag", "cache-control", "content-type"):
            assert head.headers.get(name) == got.headers.get(name), name


async def test_head_of_a_missing_or_malformed_read_answers_as_get(
    client: httpx.AsyncClient,
) -> None:
    for path, status in ((f"/songs/{uuid.uuid4()}", 404), ("/albums/not-a-uuid", 422)):
        got, head = await client.get(path), await client.head(path)
        assert (head.status_code, head.content) == (status, b"")
        assert head.headers["content-length"] == str(len(got.content))


async def test_head_revalidates_like_get(client: httpx.AsyncClient) -> None:
    etag = (await client.get("/artists")).headers["etag"]
    head = await client.head("/artists", headers={"If-None-Match": etag})
    assert head.status_code == 304


async def test_head_where_get_is_not_allowed_is_405(client: httpx.AsyncClient) -> None:
    response = await client.head("/login")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


# Wrong methods on literal paths


@pytest.mark.parametrize("method", ["PATCH", "DELETE", "GET", "PUT"])
async def test_a_wrong_method_on_a_literal_path_is_405_not_a_malformed_id(
    client: httpx.AsyncClient, method: str
) -> None:
    await register(client, "ada")
    for headers in ({}, bearer(await login(client, "ada"))):  # before authentication, too
        response = await client.request(method, "/playlists/create", headers=headers, json={})
        assert_problem(response, 405, "method_not_allowed")
        assert response.headers["allow"] == "POST"


async def test_a_malformed_id_is_still_422(client: httpx.AsyncClient) -> None:
    await register(client, "ada")
    headers = bearer(await login(client, "ada"))
    response = await client.patch("/playlists/not-a-uuid", headers=headers, json={})
    assert_problem(response, 422, "validation_error")
