"""Two `spotify-api serve` processes, one of them with two workers, on one PostgreSQL and one
Redis, as a deployment past one machine runs them: whichever process (and worker) a request
reaches, the answer is the same, and nothing one process keeps is needed by another.

Each request of these tests opens a connection of its own (no keep-alive), so that the two
workers of the second process take their share.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from itertools import cycle
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from spotify_api.settings import Settings
from tests.conftest import ON_POSTGRES, ON_REDIS
from tests.e2e.actors import (
    GUARD_SECONDS,
    consistent_items,
    guarded,
    log_in,
    make_admin,
    make_album,
    make_playlist,
    make_user,
    ok,
)
from tests.e2e.processes import serving
from tests.helpers import PASSWORD, assert_problem

pytestmark = pytest.mark.skipif(
    not (ON_POSTGRES and ON_REDIS), reason="processes share a PostgreSQL and a Redis"
)

ADDS = 100


@pytest.fixture(scope="module")
def urls(migrated: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """The base URLs of the two processes, started once for the module."""
    directory: Path = tmp_path_factory.mktemp("processes")
    shared = {
        "DATABASE_URL": migrated.database_url,
        "REDIS_URL": migrated.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
    }
    with serving(directory, **shared) as one, serving(directory, "--workers", "2", **shared) as two:
        yield [one, two]


def _client(base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        trust_env=False,
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=0),
        timeout=httpx.Timeout(GUARD_SECONDS),
    )


@pytest.fixture
async def clients(app: FastAPI, urls: list[str]) -> AsyncIterator[list[httpx.AsyncClient]]:
    """A client of each process, on a wiped database (`app` makes conftest wipe it)."""
    async with _client(urls[0]) as one, _client(urls[1]) as two:
        yield [one, two]


async def _everywhere(
    clients: list[httpx.AsyncClient], path: str, headers: dict[str, str]
) -> set[int]:
    """The statuses of GET `path` sent three times to each process."""
    answers = await guarded(
        asyncio.gather(*(c.get(path, headers=headers) for c in clients for _ in range(3)))
    )
    return {answer.status_code for answer in answers}


async def test_a_session_works_on_every_process_and_ends_on_every_one_at_once(
    clients: list[httpx.AsyncClient],
) -> None:
    one, two = clients
    await make_user(one, "ada")
    token = await log_in(two, "ada")
    assert await _everywhere(clients, "/me", token) == {200}

    logout = await guarded(one.post("/logout", headers=token))
    assert logout.status_code == 204, logout.text
    assert await _everywhere(clients, "/me", token) == {401}

    changing, other = await log_in(one, "ada"), await log_in(two, "ada")
    body = {"current_password": PASSWORD, "new_password": "a-new-password-1234"}
    changed = await guarded(two.post("/me/password", json=body, headers=changing))
    assert changed.status_code == 204, changed.text
    assert await _everywhere(clients, "/me", other) == {401}
    assert await _everywhere(clients, "/me", changing) == {200}


async def test_a_demotion_through_one_process_ends_the_admins_sessions_on_the_other(
    clients: list[httpx.AsyncClient], migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = clients
    root = await make_admin(one, migrated, monkeypatch)
    ada = await make_user(two, "ada")
    ada_id = (await ok(two.get("/me", headers=ada)))["id"]
    await ok(one.patch(f"/admin/users/{ada_id}", json={"role": "admin"}, headers=root))
    admin_ada = await log_in(two, "ada")
    assert await _everywhere(clients, "/admin/users", admin_ada) == {200}

    await ok(two.patch(f"/admin/users/{ada_id}", json={"role": "user"}, headers=root))
    assert await _everywhere(clients, "/admin/users", admin_ada) == {401}


async def test_a_catalog_write_through_one_process_is_read_on_the_other_next(
    clients: list[httpx.AsyncClient], migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, _ = clients
    admin = await make_admin(one, migrated, monkeypatch)
    made = await make_album(one, admin, 1)
    song = f"/songs/{made['songs'][0]}"
    listed = f"/songs?album_id={made['album']}"
    for round_ in range(3):
        for reader in clients:  # each renders (or hits) what it cached
            assert (await ok(reader.get(song)))["title"] != f"Renamed {round_}"
            await ok(reader.get(listed))
        writer, reader = clients[round_ % 2], clients[(round_ + 1) % 2]
        body = {"title": f"Renamed {round_}"}
        await ok(writer.patch(song, json=body, headers=admin))
        for _ in range(3):  # the next reads, wherever they land, are the new title
            assert (await ok(reader.get(song)))["title"] == f"Renamed {round_}"
            page = await ok(reader.get(listed))
            assert [item["title"] for item in page["items"]] == [f"Renamed {round_}"]


async def test_concurrent_adds_split_across_processes_leave_a_consistent_playlist(
    clients: list[httpx.AsyncClient], migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, _ = clients
    admin = await make_admin(one, migrated, monkeypatch)
    song = (await make_album(one, admin, 1))["songs"][0]
    owner = await make_user(one, "ada")
    playlist = await make_playlist(one, owner)
    url = f"/playlists/{playlist}/add-song"
    answers = await guarded(
        asyncio.gather(
            *(
                client.post(url, json={"song_id": song}, headers=owner)
                for client, _ in zip(cycle(clients), range(ADDS), strict=False)
            )
        )
    )
    assert {answer.status_code for answer in answers} == {201}
    positions = {answer.json()["position"]: answer.json()["snapshot_id"] for answer in answers}
    assert sorted(positions) == list(range(ADDS))
    assert len(await consistent_items(one, owner, playlist)) == ADDS
    for reader in clients:  # the last add's snapshot is the playlist's, on every process
        final = await ok(reader.get(f"/playlists/{playlist}", headers=owner))
        assert final["snapshot_id"] == positions[ADDS - 1]


async def test_a_keyed_retry_on_the_other_process_replays_the_first_answer(
    clients: list[httpx.AsyncClient], migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = clients
    admin = await make_admin(one, migrated, monkeypatch)
    song = (await make_album(one, admin, 1))["songs"][0]
    owner = await make_user(two, "ada")
    keyed = {**owner, "Idempotency-Key": "create-once"}
    body = {"name": "Once"}
    created = await guarded(one.post("/playlists/create", json=body, headers=keyed))
    again = await guarded(two.post("/playlists/create", json=body, headers=keyed))
    assert (created.status_code, again.status_code) == (201, 201)
    assert again.json() == created.json()
    assert again.headers["idempotent-replayed"] == "true"
    playlist = created.json()["id"]

    add = {**owner, "Idempotency-Key": "add-once"}
    url = f"/playlists/{playlist}/add-song"
    first = await guarded(two.post(url, json={"song_id": song}, headers=add))
    retry = await guarded(one.post(url, json={"song_id": song}, headers=add))
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    reused = await guarded(one.post(url, json={"song_id": song, "position": 0}, headers=add))
    assert_problem(reused, 422, "idempotency_key_reused")
    listed = await ok(one.get("/playlists", headers=owner))
    assert [item["name"] for item in listed["items"]] == ["Once"]
    assert len(await consistent_items(two, owner, playlist)) == 1
