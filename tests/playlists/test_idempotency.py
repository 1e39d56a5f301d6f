"""`Idempotency-Key` on create, add-song, remove-song and reorder: a retry replays the first
answer and changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem, bearer, login
from tests.playlists.conftest import (
    Account,
    PlaylistFactory,
    add_song,
    assert_invalid,
    get_playlist,
    ids,
    order,
)

REPLAYED = "idempotent-replayed"


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def playlists_of(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/playlists?limit=100", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


class TestRetries:
    async def test_a_retried_create_replays_the_201_and_creates_one_playlist(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        headers = keyed(user_headers, "create-1")
        body = {"name": "Once", "public": True}
        first = await client.post("/playlists/create", json=body, headers=headers)
        assert first.status_code == 201, first.text
        assert REPLAYED not in first.headers
        for _ in range(2):
            again = await client.post("/playlists/create", json=body, headers=headers)
            assert again.status_code == 201
            assert again.headers[REPLAYED] == "true"
            assert again.json() == first.json()
            assert again.headers["location"] == first.headers["location"]
            assert again.headers["content-type"] == "application/json"
        assert [p["id"] for p in await playlists_of(client, user_headers)] == [first.json()["id"]]

    async def test_a_retried_add_song_adds_once(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:2])
        url = f"/playlists/{playlist['id']}/add-song"
        headers = keyed(user_headers, "add-1")
        body = {"song_id": songs[2]["id"], "position": 0}
        first = await client.post(url, json=body, headers=headers)
        assert first.status_code == 201, first.text
        after_first = await get_playlist(client, user_headers, playlist["id"])
        again = await client.post(url, json=body, headers=headers)
        assert again.status_code == 201
        assert again.headers[REPLAYED] == "true"
        assert (
            again.json()
            == first.json()
            == {"snapshot_id": after_first["snapshot_id"], "position": 0}
        )
        assert again.headers["etag"] == first.headers["etag"]
        assert await get_playlist(client, user_headers, playlist["id"]) == after_first
        assert await order(client, user_headers, playlist["id"]) == ids([songs[2], *songs[:2]])

    async def test_a_retried_remove_song_replays_even_after_the_song_was_added_again(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=[songs[0], songs[1], songs[0]])
        url = f"/playlists/{playlist['id']}/remove-song"
        headers = keyed(user_headers, "remove-1")
        body = {"song_id": songs[0]["id"]}
        first = await client.post(url, json=body, headers=headers)
        assert first.json()["removed"] == 2, first.text
        await add_song(client, user_headers, playlist["id"], songs[0]["id"])
        current = await get_playlist(client, user_headers, playlist["id"])
        again = await client.post(url, json=body, headers=headers)
        assert again.status_code == 200
        assert again.headers[REPLAYED] == "true"
        assert again.json() == first.json()
        assert await get_playlist(client, user_headers, playlist["id"]) == current
        assert await order(client, user_headers, playlist["id"]) == ids([songs[1], songs[0]])

    async def test_a_retried_reorder_moves_once(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:4])
        url = f"/playlists/{playlist['id']}/reorder"
        headers = keyed(user_headers, "reorder-1")
        body = {"range_start": 0, "insert_before": 4}
        first = await client.post(url, json=body, headers=headers)
        assert first.status_code == 200, first.text
        moved = ids([*songs[1:4], songs[0]])
        assert await order(client, user_headers, playlist["id"]) == moved
        again = await client.post(url, json=body, headers=headers)
        assert again.status_code == 200
        assert again.headers[REPLAYED] == "true"
        assert again.json() == first.json()
        assert await order(client, user_headers, playlist["id"]) == moved  # not moved twice
        assert (await get_playlist(client, user_headers, playlist["id"]))["snapshot_id"] == (
            first.json()["snapshot_id"]
        )

    async def test_the_same_body_without_a_key_acts_again(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist()
        for expected in (0, 1):
            added = await add_song(client, user_headers, playlist["id"], songs[0]["id"])
            assert added["position"] == expected

    async def test_a_refused_request_leaves_no_record_so_its_retry_runs(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:1])
        base = f"/playlists/{playlist['id']}"
        add = {"song_id": songs[1]["id"], "position": 2}
        remove = {"song_id": songs[2]["id"]}
        missing = {"song_id": "00000000-0000-4000-8000-000000000000"}
        failed_add = await client.post(
            f"{base}/add-song", json=add, headers=keyed(user_headers, "a")
        )
        assert_invalid(failed_add, "position")
        failed_remove = await client.post(
            f"{base}/remove-song", json=remove, headers=keyed(user_headers, "r")
        )
        assert_problem(failed_remove, 404, "song_not_in_playlist")
        for _ in range(2):  # nothing was kept: each retry runs, and is refused again
            no_song = await client.post(
                f"{base}/add-song", json=missing, headers=keyed(user_headers, "m")
            )
            assert_problem(no_song, 404, "song_not_found")
            assert REPLAYED not in no_song.headers

        # Now both succeed when they run again, and they do run: the refusals were not kept.
        await add_song(client, user_headers, playlist["id"], songs[2]["id"])
        added = await client.post(f"{base}/add-song", json=add, headers=keyed(user_headers, "a"))
        assert added.status_code == 201, added.text
        assert REPLAYED not in added.headers
        assert added.json()["position"] == 2
        removed = await client.post(
            f"{base}/remove-song", json=remove, headers=keyed(user_headers, "r")
        )
        assert removed.status_code == 200, removed.text
        assert removed.json()["removed"] == 1
        assert await order(client, user_headers, playlist["id"]) == ids([songs[0], songs[1]])
        # And from then on, they are replayed.
        again = await client.post(f"{base}/add-song", json=add, headers=keyed(user_headers, "a"))
        assert again.headers[REPLAYED] == "true"
        assert again.json() == added.json()
        assert await order(client, user_headers, playlist["id"]) == ids([songs[0], songs[1]])

    async def test_a_412_is_not_kept_so_a_retry_with_the_current_snapshot_runs(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist()
        url = f"/playlists/{playlist['id']}/add-song"
        body = {"song_id": songs[0]["id"]}
        stale = {**keyed(user_headers, "k"), "If-Match": '"not-the-snapshot"'}
        first = await client.post(url, json=body, headers=stale)
        assert_problem(first, 412, "snapshot_mismatch")
        assert (await get_playlist(client, user_headers, playlist["id"]))["total_songs"] == 0
        current = {**keyed(user_headers, "k"), "If-Match": f'"{playlist["snapshot_id"]}"'}
        retried = await client.post(url, json=body, headers=current)
        assert retried.status_code == 201, retried.text
        assert REPLAYED not in retried.headers
        assert (await get_playlist(client, user_headers, playlist["id"]))["total_songs"] == 1


class TestKeys:
    @pytest.mark.parametrize(
        "second",
        [
            {"song_id": "OTHER"},
            {"song_id": "SAME", "position": 0},
        ],
    )
    async def test_the_same_key_with_another_body_is_422(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
        second: dict[str, Any],
    ) -> None:
        playlist = await make_playlist(songs=songs[:1])
        url = f"/playlists/{playlist['id']}/add-song"
        headers = keyed(user_headers, "k")
        first = await client.post(url, json={"song_id": songs[1]["id"]}, headers=headers)
        assert first.status_code == 201
        current = await get_playlist(client, user_headers, playlist["id"])
        names = {"SAME": songs[1]["id"], "OTHER": songs[2]["id"]}
        body = {k: names.get(v, v) for k, v in second.items()}
        response = await client.post(url, json=body, headers=headers)
        assert_problem(response, 422, "idempotency_key_reused")
        assert REPLAYED not in response.headers
        assert await get_playlist(client, user_headers, playlist["id"]) == current

    async def test_the_same_key_on_another_endpoint_or_playlist_is_422(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        one = await make_playlist("One", songs=songs[:2])
        two = await make_playlist("Two", songs=songs[:2])
        headers = keyed(user_headers, "shared")
        body = {"song_id": songs[0]["id"]}
        first = await client.post(f"/playlists/{one['id']}/add-song", json=body, headers=headers)
        assert first.status_code == 201
        elsewhere = await client.post(
            f"/playlists/{two['id']}/add-song", json=body, headers=headers
        )
        assert_problem(elsewhere, 422, "idempotency_key_reused")
        other_endpoint = await client.post(
            f"/playlists/{one['id']}/remove-song", json=body, headers=headers
        )
        assert_problem(other_endpoint, 422, "idempotency_key_reused")
        assert await get_playlist(client, user_headers, two["id"]) == two
        assert await order(client, user_headers, one["id"]) == ids([*songs[:2], songs[0]])

    async def test_keys_are_per_user(
        self, client: httpx.AsyncClient, user: Account, other_user: Account
    ) -> None:
        body = {"name": "Mine"}
        mine = await client.post("/playlists/create", json=body, headers=keyed(user.headers, "k1"))
        # Per user, not per session: the same user logged in afresh gets the replay.
        fresh = bearer(await login(client, user.username))
        replay = await client.post("/playlists/create", json=body, headers=keyed(fresh, "k1"))
        assert replay.headers[REPLAYED] == "true"
        assert replay.json() == mine.json()
        theirs = await client.post(
            "/playlists/create", json=body, headers=keyed(other_user.headers, "k1")
        )
        assert (mine.status_code, theirs.status_code) == (201, 201)
        assert REPLAYED not in theirs.headers
        assert theirs.json()["id"] != mine.json()["id"]
        assert theirs.json()["owner"]["id"] == other_user.id
        # And another body under the same key is fine for the other user too.
        other_body = await client.post(
            "/playlists/create", json={"name": "Other"}, headers=keyed(other_user.headers, "k2")
        )
        mine_k2 = await client.post(
            "/playlists/create", json={"name": "Mine 2"}, headers=keyed(user.headers, "k2")
        )
        assert (other_body.status_code, mine_k2.status_code) == (201, 201)
        assert [p["name"] for p in await playlists_of(client, user.headers)] == ["Mine 2", "Mine"]
        assert [p["name"] for p in await playlists_of(client, other_user.headers)] == [
            "Other",
            "Mine",
        ]

    @pytest.mark.parametrize("key", ["x" * 255, "a", "~!@#$%^&*() key with spaces"])
    async def test_valid_keys(
        self, client: httpx.AsyncClient, user_headers: dict[str, str], key: str
    ) -> None:
        headers = keyed(user_headers, key)
        first = await client.post("/playlists/create", json={"name": "K"}, headers=headers)
        assert first.status_code == 201, first.text
        again = await client.post("/playlists/create", json={"name": "K"}, headers=headers)
        assert again.headers[REPLAYED] == "true"

    @pytest.mark.parametrize("key", ["x" * 256, "x" * 300, "", "tab\there", "bell\x07", "del\x7f"])
    async def test_an_invalid_key_is_422_and_does_nothing(
        self, client: httpx.AsyncClient, user_headers: dict[str, str], key: str
    ) -> None:
        response = await client.post(
            "/playlists/create", json={"name": "K"}, headers=keyed(user_headers, key)
        )
        assert_invalid(response, "Idempotency-Key")
        assert await playlists_of(client, user_headers) == []

    async def test_a_non_ascii_key_is_422(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        headers = [(k.encode(), v.encode()) for k, v in user_headers.items()]
        headers.append((b"Idempotency-Key", "clé".encode()))
        response = await client.post("/playlists/create", json={"name": "K"}, headers=headers)
        assert_invalid(response, "Idempotency-Key")
        assert await playlists_of(client, user_headers) == []


class TestRaces:
    async def test_two_identical_creates_at_once_create_one_playlist(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        headers = keyed(user_headers, "race-create")
        responses = await asyncio.gather(
            *(
                client.post("/playlists/create", json={"name": "Raced"}, headers=headers)
                for _ in range(2)
            )
        )
        created = assert_one_change(responses, 201)
        assert [p["id"] for p in await playlists_of(client, user_headers)] == [created["id"]]

    async def test_two_identical_add_songs_at_once_add_one_song(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:1])
        headers = keyed(user_headers, "race-add")
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/playlists/{playlist['id']}/add-song",
                    json={"song_id": songs[1]["id"]},
                    headers=headers,
                )
                for _ in range(3)
            )
        )
        added = assert_one_change(responses, 201)
        assert added["position"] == 1
        assert await order(client, user_headers, playlist["id"]) == ids(songs[:2])
        shown = await get_playlist(client, user_headers, playlist["id"])
        assert (shown["total_songs"], shown["snapshot_id"]) == (2, added["snapshot_id"])

    async def test_two_identical_reorders_at_once_move_once(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:3])
        headers = keyed(user_headers, "race-reorder")
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/playlists/{playlist['id']}/reorder",
                    json={"range_start": 0, "insert_before": 3},
                    headers=headers,
                )
                for _ in range(2)
            )
        )
        assert_one_change(responses, 200)
        assert await order(client, user_headers, playlist["id"]) == ids([*songs[1:3], songs[0]])


def assert_one_change(responses: list[httpx.Response], success: int) -> dict[str, Any]:
    """One answer is the original success; every other one is its replay: a duplicate that
    arrives while the first runs waits for it (up to IDEMPOTENCY_WAIT_SECONDS, far more than
    these take) and replays its answer. (The 409 past the wait: test_idempotency_faults.py.)
    Returns the original's body."""
    originals = [r for r in responses if r.status_code == success and REPLAYED not in r.headers]
    assert len(originals) == 1, [(r.status_code, r.text) for r in responses]
    body: dict[str, Any] = originals[0].json()
    for response in responses:
        if response is originals[0]:
            continue
        assert response.status_code == success, response.text
        assert response.headers[REPLAYED] == "true"
        assert response.json() == body
    return body
