"""Item changes (`add-song`, `remove-song`, `reorder`) answered before routing when they are the
ordinary case (`playlists.fast_changes`): the same status, headers, bytes and effect as the
routes give, every other case answered by the routes themselves."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from spotify_api.playlists.deps import get_playlist_service
from tests.conftest import asgi_client
from tests.helpers import bearer, login
from tests.playlists.conftest import PlaylistFactory, order

VARYING = {"x-request-id", "date", "etag", "content-length"}
SNAPSHOT = re.compile(r'"snapshot_id":"[0-9a-f]{32}"')
MISSING = "00000000-0000-4000-8000-000000000000"


@contextmanager
def routed_only(app: FastAPI) -> Iterator[None]:
    """The app without its change fast path: every request through routing."""
    changes = app.state.token_changes
    app.state.token_changes = {}
    try:
        yield
    finally:
        app.state.token_changes = changes


@contextmanager
def routes_broken(app: FastAPI) -> Iterator[None]:
    """Every playlist route fails at its service dependency: only the fast path can answer."""

    def broken() -> None:
        raise RuntimeError("the route was called")

    app.dependency_overrides[get_playlist_service] = broken
    try:
        yield
    finally:
        del app.dependency_overrides[get_playlist_service]


def _answer(
    response: httpx.Response, playlist_id: str = ""
) -> tuple[int, list[tuple[str, str]], str]:
    """The answer with what differs between two playlists (ids, snapshots) made alike."""
    headers = [(name, value) for name, value in response.headers.items() if name not in VARYING]
    text = SNAPSHOT.sub('"snapshot_id":"…"', response.text)
    return response.status_code, headers, text.replace(playlist_id, "…") if playlist_id else text


def _requests(songs: list[dict[str, Any]]) -> list[tuple[str, Any, dict[str, str]]]:
    """(endpoint, body, extra headers): the same on two playlists of the same songs ("{playlist}"
    in a header stands for the playlist's id)."""
    song, other = songs[0]["id"], songs[1]["id"]
    return [
        ("add-song", {"song_id": other}, {}),
        ("add-song", {"song_id": song, "position": 1}, {}),
        ("remove-song", {"song_id": song, "position": 0}, {}),
        ("reorder", {"range_start": 0, "insert_before": 3}, {}),
        ("remove-song", {"song_id": other}, {}),
        # refusals of the service: each the route's problem
        ("add-song", {"song_id": MISSING}, {}),
        ("add-song", {"song_id": song, "position": 99}, {}),
        ("remove-song", {"song_id": other, "position": 0}, {}),
        ("reorder", {"range_start": 9, "insert_before": 0}, {}),
        ("add-song", {"song_id": song}, {"If-Match": '"stale"'}),
        # left to the route
        ("add-song", {"song_id": song, "extra": 1}, {}),
        ("add-song", {"song_id": "not-a-uuid"}, {}),
        ("add-song", "not json", {}),
        ("add-song", {"song_id": song}, {"Content-Type": "text/plain"}),
        ("add-song", {"song_id": song}, {"Idempotency-Key": "k-{playlist}"}),
        ("add-song", {"song_id": song}, {"If-Match": '"' + "x" * 300 + '"'}),
    ]


async def _post(
    client: httpx.AsyncClient, url: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **headers}
    return await client.post(url, content=content, headers=headers)


async def test_changes_answer_and_act_as_the_routes_do(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    fast_playlist = await make_playlist(songs=songs[:3])
    routed_playlist = await make_playlist(songs=songs[:3])

    def headers(playlist: dict[str, Any], extra: dict[str, str]) -> dict[str, str]:
        mine = {name: value.format(playlist=playlist["id"]) for name, value in extra.items()}
        return {**user_headers, **mine}

    for endpoint, body, extra in _requests(songs):
        url = f"/playlists/{fast_playlist['id']}/{endpoint}"
        fast = await _post(client, url, body, headers(fast_playlist, extra))
        with routed_only(app):
            url = f"/playlists/{routed_playlist['id']}/{endpoint}"
            routed = await _post(client, url, body, headers(routed_playlist, extra))
        assert _answer(fast, fast_playlist["id"]) == _answer(routed, routed_playlist["id"]), (
            endpoint,
            body,
            extra,
        )
        if fast.is_success:
            assert fast.headers["etag"] == f'"{fast.json()["snapshot_id"]}"'
    assert await order(client, user_headers, fast_playlist["id"]) == await order(
        client, user_headers, routed_playlist["id"]
    )


async def test_the_ordinary_change_never_reaches_the_route(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist(songs=songs[:2])
    url = f"/playlists/{playlist['id']}"
    with routes_broken(app):
        added = await _post(client, f"{url}/add-song", {"song_id": songs[2]["id"]}, user_headers)
        moved = await _post(
            client, f"{url}/reorder", {"range_start": 2, "insert_before": 0}, user_headers
        )
        routed = await _post(client, f"{url}/add-song", {"song_id": "nope"}, user_headers)
    assert routed.status_code == 500  # what the broken route answers: it was called
    assert added.status_code == 201, added.text
    assert moved.status_code == 200, moved.text
    ids = [song["id"] for song in songs[:3]]
    assert await order(client, user_headers, playlist["id"]) == [ids[2], ids[0], ids[1]]


@pytest.mark.parametrize(
    ("token", "status"), [("not-a-token", 401), ("read only", 403), ("other", 404)]
)
async def test_who_may_not_change_gets_the_routes_answer(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    songs: list[dict[str, Any]],
    other_headers: dict[str, str],
    token: str,
    status: int,
) -> None:
    playlist = await make_playlist(songs=songs[:1])
    headers = {
        "not-a-token": bearer("not-a-token"),
        "read only": bearer(await login(client, "ada", scope="playlists:read")),
        "other": other_headers,
    }[token]
    url = f"/playlists/{playlist['id']}/add-song"
    fast = await _post(client, url, {"song_id": songs[1]["id"]}, headers)
    with routed_only(app):
        routed = await _post(client, url, {"song_id": songs[1]["id"]}, headers)
    assert fast.status_code == status, fast.text
    assert _answer(fast) == _answer(routed)


async def test_a_chunked_body_over_the_limit_is_the_routes_413(
    app_with: Callable[..., Any],
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
) -> None:
    playlist = await make_playlist()
    url = f"/playlists/{playlist['id']}/add-song"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for _ in range(4):
            yield b" " * 600

    headers = {**user_headers, "Content-Type": "application/json"}
    async with app_with(max_body_bytes=1024) as app, asgi_client(app) as other:
        token = bearer(await login(other, "ada"))
        fast = await other.post(url, content=chunks(), headers={**headers, **token})
        with routed_only(app):
            routed = await other.post(url, content=chunks(), headers={**headers, **token})
    assert fast.status_code == 413, fast.text
    assert _answer(fast) == _answer(routed)
