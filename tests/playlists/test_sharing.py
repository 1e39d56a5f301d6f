"""Shared playlists as their users see them: collaborators change songs, followers follow,
`GET /me/playlists` lists every playlist that is the caller's, and privacy decides who sees."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import delete

from spotify_api.users.models import User
from tests.helpers import assert_problem
from tests.playlists.conftest import (
    Account,
    PlaylistFactory,
    account,
    add_song,
    get_playlist,
    items,
    order,
)


@pytest.fixture
async def carol(client: httpx.AsyncClient) -> Account:
    return await account(client, "carol")


async def collaborate(
    client: httpx.AsyncClient, owner: Account, playlist_id: str, username: str
) -> None:
    response = await client.put(
        f"/playlists/{playlist_id}/collaborators/{username}", headers=owner.headers
    )
    assert response.status_code == 204, response.text


async def follow(client: httpx.AsyncClient, who: Account, playlist_id: str) -> httpx.Response:
    return await client.put(f"/playlists/{playlist_id}/followers", headers=who.headers)


async def mine(client: httpx.AsyncClient, who: Account, query: str = "") -> list[tuple[str, str]]:
    """(playlist name, relation) of every playlist in the caller's `GET /me/playlists`."""
    found: list[tuple[str, str]] = []
    url: str | None = f"/me/playlists?limit=2{query}"
    while url is not None:
        response = await client.get(url, headers=who.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend((item["name"], item["relation"]) for item in page["items"])
        url = page["next"]
    return found


async def collaborator_names(
    client: httpx.AsyncClient, who: Account, playlist_id: str
) -> list[str]:
    response = await client.get(f"/playlists/{playlist_id}/collaborators", headers=who.headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return [item["username"] for item in page["items"]]


class TestCollaborators:
    async def test_a_collaborator_sees_a_private_playlist_and_changes_its_songs(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:2])
        hidden = await client.get(f"/playlists/{playlist['id']}", headers=other_user.headers)
        assert_problem(hidden, 404, "not_found")

        await collaborate(client, user, playlist["id"], "BOB")  # any case

        seen = await get_playlist(client, other_user.headers, playlist["id"])
        assert (seen["collaborative"], seen["public"]) == (True, False)
        added = await add_song(client, other_user.headers, playlist["id"], songs[2]["id"], 0)
        assert added["position"] == 0
        reordered = await client.post(
            f"/playlists/{playlist['id']}/reorder",
            json={"range_start": 0, "insert_before": 3},
            headers=other_user.headers,
        )
        assert reordered.status_code == 200, reordered.text
        removed = await client.post(
            f"/playlists/{playlist['id']}/remove-song",
            json={"song_id": songs[0]["id"]},
            headers=other_user.headers,
        )
        assert removed.status_code == 200, removed.text
        assert await order(client, user.headers, playlist["id"]) == [
            songs[1]["id"],
            songs[2]["id"],
        ]
        by = [
            item["added_by"]["username"]
            for item in await items(client, user.headers, playlist["id"])
        ]
        assert by == ["ada", "bob"]

    async def test_only_the_owner_changes_details_members_or_deletes(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        carol: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        made = await make_playlist()
        await collaborate(client, user, made["id"], "bob")
        playlist = await get_playlist(client, user.headers, made["id"])
        path = f"/playlists/{playlist['id']}"
        refused = [
            await client.patch(path, json={"name": "Mine now"}, headers=other_user.headers),
            await client.delete(path, headers=other_user.headers),
            await client.put(f"{path}/collaborators/carol", headers=other_user.headers),
            await client.delete(f"{path}/collaborators/ada", headers=other_user.headers),
        ]
        for response in refused:
            assert_problem(response, 403, "not_owner")
        after = await get_playlist(client, user.headers, playlist["id"])
        assert after["name"] == playlist["name"]
        assert after["snapshot_id"] == playlist["snapshot_id"]
        assert await collaborator_names(client, user, playlist["id"]) == ["bob"]

    async def test_owner_lists_adds_again_and_removes(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        carol: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        playlist = await make_playlist()
        for name in ("bob", "carol", "bob"):
            await collaborate(client, user, playlist["id"], name)
        assert await collaborator_names(client, user, playlist["id"]) == ["bob", "carol"]
        assert await collaborator_names(client, carol, playlist["id"]) == ["bob", "carol"]
        assert (await get_playlist(client, user.headers, playlist["id"]))["collaborative"]

        path = f"/playlists/{playlist['id']}/collaborators"
        gone = await client.delete(f"{path}/bob", headers=user.headers)
        assert gone.status_code == 204, gone.text
        again = await client.delete(f"{path}/bob", headers=user.headers)
        assert again.status_code == 204, again.text
        left = await client.delete(f"{path}/carol", headers=carol.headers)  # she leaves
        assert left.status_code == 204, left.text
        assert await collaborator_names(client, user, playlist["id"]) == []
        after = await get_playlist(client, user.headers, playlist["id"])
        assert after["collaborative"] is False
        hidden = await client.get(f"/playlists/{playlist['id']}", headers=other_user.headers)
        assert_problem(hidden, 404, "not_found")

    async def test_refusals_name_their_reason(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        playlist = await make_playlist(public=True)
        path = f"/playlists/{playlist['id']}/collaborators"
        assert_problem(
            await client.put(f"{path}/nobody", headers=user.headers), 404, "user_not_found"
        )
        assert_problem(await client.put(f"{path}/ADA", headers=user.headers), 409, "own_playlist")
        invalid = await client.put(f"{path}/no%20spaces", headers=user.headers)
        assert_problem(invalid, 422, "validation_error")
        # A public playlist's collaborators are its members' business.
        listed = await client.get(path, headers=other_user.headers)
        assert_problem(listed, 403, "not_collaborator")
        # Nor does removing tell anyone else which usernames exist.
        for name in ("nobody", "ada"):
            probe = await client.delete(f"{path}/{name}", headers=other_user.headers)
            assert_problem(probe, 403, "not_owner")
        assert await collaborator_names(client, user, playlist["id"]) == []

    async def test_a_playlist_has_at_most_fifty_collaborators(
        self, client: httpx.AsyncClient, user: Account, make_playlist: PlaylistFactory
    ) -> None:
        playlist = await make_playlist()
        names = [f"guest{index:02d}" for index in range(51)]
        for name in names:
            await account(client, name)
        for name in names[:50]:
            await collaborate(client, user, playlist["id"], name)
        path = f"/playlists/{playlist['id']}/collaborators"
        full = await client.put(f"{path}/{names[50]}", headers=user.headers)
        assert_problem(full, 409, "too_many_collaborators")
        await collaborate(client, user, playlist["id"], names[0])  # already one: fine
        page = (await client.get(f"{path}?limit=100", headers=user.headers)).json()
        assert page["total"] == 50
        assert [item["username"] for item in page["items"]] == names[:50]


class TestFollowers:
    async def test_following_a_public_playlist_counts_once(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        carol: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        playlist = await make_playlist(public=True)
        for who in (other_user, carol, other_user):
            response = await follow(client, who, playlist["id"])
            assert response.status_code == 204, response.text
        after = await get_playlist(client, user.headers, playlist["id"])
        assert after["followers"] == 2
        assert after["snapshot_id"] == playlist["snapshot_id"]
        gone = await client.delete(f"/playlists/{playlist['id']}/followers", headers=carol.headers)
        assert gone.status_code == 204, gone.text
        assert (await get_playlist(client, user.headers, playlist["id"]))["followers"] == 1

    async def test_nobody_follows_what_they_may_not_see_or_own(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        private = await make_playlist()
        assert_problem(await follow(client, other_user, private["id"]), 404, "not_found")
        assert_problem(await follow(client, user, private["id"]), 409, "own_playlist")
        unfollow = await client.delete(
            f"/playlists/{private['id']}/followers", headers=user.headers
        )
        assert_problem(unfollow, 409, "own_playlist")
        assert (await get_playlist(client, user.headers, private["id"]))["followers"] == 0

    async def test_a_private_playlist_disappears_for_followers_and_comes_back(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        playlist = await make_playlist("Shared", public=True)
        assert (await follow(client, other_user, playlist["id"])).status_code == 204
        assert await mine(client, other_user) == [("Shared", "follower")]

        path = f"/playlists/{playlist['id']}"
        hidden = await client.patch(path, json={"public": False}, headers=user.headers)
        assert hidden.status_code == 200, hidden.text
        assert_problem(await client.get(path, headers=other_user.headers), 404, "not_found")
        assert await mine(client, other_user) == []

        shown = await client.patch(path, json={"public": True}, headers=user.headers)
        assert shown.status_code == 200, shown.text
        assert await mine(client, other_user) == [("Shared", "follower")]
        assert (await get_playlist(client, other_user.headers, playlist["id"]))["followers"] == 1

    async def test_a_follow_can_be_ended_while_the_playlist_is_private(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        playlist = await make_playlist("Shared", public=True)
        assert (await follow(client, other_user, playlist["id"])).status_code == 204
        path = f"/playlists/{playlist['id']}"
        assert (await client.patch(path, json={"public": False}, headers=user.headers)).is_success
        ended = await client.delete(f"{path}/followers", headers=other_user.headers)
        assert ended.status_code == 204, ended.text
        assert (await get_playlist(client, user.headers, playlist["id"]))["followers"] == 0
        assert (await client.patch(path, json={"public": True}, headers=user.headers)).is_success
        assert await mine(client, other_user) == []


class TestMyPlaylists:
    async def test_every_relation_newest_activity_first(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
        songs: list[dict[str, Any]],
    ) -> None:
        own = await make_playlist("Own")
        shared = await make_playlist("Shared", headers=other_user.headers)
        followed = await make_playlist("Followed", headers=other_user.headers, public=True)
        await make_playlist("Not mine", headers=other_user.headers, public=True)
        await collaborate(client, other_user, shared["id"], "ada")
        assert (await follow(client, user, followed["id"])).status_code == 204
        await add_song(client, user.headers, own["id"], songs[0]["id"])  # the newest activity

        assert await mine(client, user) == [
            ("Own", "owner"),
            ("Shared", "collaborator"),  # made one after "Followed" was made
            ("Followed", "follower"),
        ]
        first = (await client.get("/me/playlists", headers=user.headers)).json()
        assert first["total"] == 3
        assert first["items"][0]["owner"]["username"] == "ada"
        # `GET /playlists` stays the caller's own.
        own_list = (await client.get("/playlists", headers=user.headers)).json()
        assert [item["name"] for item in own_list["items"]] == ["Own"]

    async def test_contains_song_picks_the_playlists_holding_it(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
        songs: list[dict[str, Any]],
    ) -> None:
        await make_playlist("With", songs=[songs[0], songs[1]])
        await make_playlist("Without", songs=[songs[2]])
        shared = await make_playlist("Shared with", headers=other_user.headers, songs=[songs[0]])
        await collaborate(client, other_user, shared["id"], "ada")
        query = f"&contains_song={songs[0]['id']}"
        assert sorted(await mine(client, user, query)) == [
            ("Shared with", "collaborator"),
            ("With", "owner"),
        ]
        page = (await client.get(f"/me/playlists?{query}", headers=user.headers)).json()
        assert page["total"] == 2
        assert await mine(client, user, f"&contains_song={songs[7]['id']}") == []
        invalid = await client.get("/me/playlists?contains_song=nope", headers=user.headers)
        assert_problem(invalid, 422, "validation_error")


class TestMembersAndTheirChanges:
    async def test_a_collaborator_retries_and_conditions_changes_as_an_owner_does(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        make_playlist: PlaylistFactory,
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist()
        await collaborate(client, user, playlist["id"], "bob")
        snapshot = (await get_playlist(client, user.headers, playlist["id"]))["snapshot_id"]
        url = f"/playlists/{playlist['id']}/add-song"
        body = {"song_id": songs[0]["id"]}
        keyed = {**other_user.headers, "Idempotency-Key": "add-once"}
        first = await client.post(url, json=body, headers=keyed)
        again = await client.post(url, json=body, headers=keyed)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        stale = await client.post(
            url, json=body, headers={**other_user.headers, "If-Match": f'"{snapshot}"'}
        )
        assert_problem(stale, 412, "snapshot_mismatch")
        assert await order(client, user.headers, playlist["id"]) == [songs[0]["id"]]

    async def test_a_deleted_playlist_leaves_its_members(
        self,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        carol: Account,
        make_playlist: PlaylistFactory,
    ) -> None:
        playlist = await make_playlist("Doomed", public=True)
        await collaborate(client, user, playlist["id"], "bob")
        assert (await follow(client, carol, playlist["id"])).status_code == 204
        deleted = await client.delete(f"/playlists/{playlist['id']}", headers=user.headers)
        assert deleted.status_code == 204, deleted.text
        assert await mine(client, other_user) == []
        assert await mine(client, carol) == []

    async def test_a_deleted_account_leaves_the_counts_and_the_items_it_added(
        self,
        app: Any,
        client: httpx.AsyncClient,
        user: Account,
        other_user: Account,
        carol: Account,
        make_playlist: PlaylistFactory,
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(public=True)
        await collaborate(client, user, playlist["id"], "bob")
        await collaborate(client, user, playlist["id"], "carol")
        await add_song(client, other_user.headers, playlist["id"], songs[0]["id"])
        assert (await follow(client, other_user, playlist["id"])).status_code == 204
        assert (await follow(client, carol, playlist["id"])).status_code == 204

        # No operation deletes an account yet; the database's cascades are what would.
        async with app.state.engine.begin() as connection:
            await connection.execute(delete(User).where(User.id == uuid.UUID(other_user.id)))

        after = await get_playlist(client, user.headers, playlist["id"])
        assert (after["followers"], after["collaborative"]) == (1, True)
        assert await collaborator_names(client, user, playlist["id"]) == ["carol"]
        (item,) = await items(client, user.headers, playlist["id"])
        assert item["added_by"] is None
