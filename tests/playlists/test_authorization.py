# ruff: noqa: E501  (the matrix is a table, one row per line)
"""Who may do what to a playlist: every endpoint × caller × private/public, exact status and code.

The contract (API.md, "Playlists"; issue 14 for members): a private playlist does not exist for
anyone but its owner and its collaborators (404, never 403, for an admin and a follower too); a
public one is read by anyone with a token; its songs are changed by its owner and collaborators,
its details and members by its owner alone (403 `not_owner` for the others; a collaborator may
leave); no token is 401; a token without the scope the endpoint needs is 403
`insufficient_scope`, and the scope is checked before the playlist's existence. Every cell acts
on a playlist of its own (public when followed, then made private for the private cells), and
checks that a refused request changed nothing and that an allowed one did what it says.

The users, their tokens and the songs are made once for the module (making an admin goes
through the CLI, which is slow); this module therefore turns off the per-test wipe of
`tests/conftest.py` and wipes once before and once after instead.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import asgi_client, wipe
from tests.helpers import FakeClock, assert_problem, bearer, login, make_admin, register

READ, WRITE = "playlists:read", "playlists:write"
PRIVATE, PUBLIC = "private", "public"

# The callers: the playlist's owner, another user, an admin made with the CLI, no token at all,
# the owner with a token narrowed at login to the scope the endpoint does NOT need, one of the
# playlist's collaborators, and one of its followers.
OWNER, OTHER, ADMIN, ANONYMOUS, NARROWED = "owner", "other", "admin", "anonymous", "narrowed"
COLLABORATOR, FOLLOWER = "collaborator", "follower"
CALLERS = (OWNER, OTHER, ADMIN, ANONYMOUS, NARROWED, COLLABORATOR, FOLLOWER)
USERNAMES = {OWNER: "ada", OTHER: "bob", ADMIN: "root", COLLABORATOR: "carl", FOLLOWER: "fay"}


@dataclass(frozen=True)
class Outcome:
    status: int
    code: str | None = None  # the problem's `code`; None for a success

    @property
    def success(self) -> bool:
        return self.status < 300

    def __str__(self) -> str:
        return f"{self.status} {self.code or ''}".strip()


OK, CREATED, NO_CONTENT = Outcome(200), Outcome(201), Outcome(204)
HIDDEN = Outcome(404, "not_found")
NOT_OWNER = Outcome(403, "not_owner")
NOT_MEMBER = Outcome(403, "not_collaborator")
OWN = Outcome(409, "own_playlist")
NO_TOKEN = Outcome(401, "not_authenticated")
NO_SCOPE = Outcome(403, "insufficient_scope")
INVALID = Outcome(422, "validation_error")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # `{id}` is the playlist's id
    scope: str  # the scope it needs

    @property
    def has_id(self) -> bool:
        return "{id}" in self.path


ENDPOINTS: dict[str, Endpoint] = {
    "list": Endpoint("GET", "/playlists", READ),
    "create": Endpoint("POST", "/playlists/create", WRITE),
    "get": Endpoint("GET", "/playlists/{id}", READ),
    "songs": Endpoint("GET", "/playlists/{id}/songs", READ),
    "add-song": Endpoint("POST", "/playlists/{id}/add-song", WRITE),
    "remove-song": Endpoint("POST", "/playlists/{id}/remove-song", WRITE),
    "reorder": Endpoint("POST", "/playlists/{id}/reorder", WRITE),
    "patch": Endpoint("PATCH", "/playlists/{id}", WRITE),
    "delete": Endpoint("DELETE", "/playlists/{id}", WRITE),
    "mine": Endpoint("GET", "/me/playlists", READ),
    "follow": Endpoint("PUT", "/playlists/{id}/followers", WRITE),
    "unfollow": Endpoint("DELETE", "/playlists/{id}/followers", WRITE),
    "collaborators": Endpoint("GET", "/playlists/{id}/collaborators", READ),
    "add-collaborator": Endpoint("PUT", "/playlists/{id}/collaborators/bob", WRITE),
    "remove-collaborator": Endpoint("DELETE", "/playlists/{id}/collaborators/carl", WRITE),
}
#: The changes that renew the snapshot: of the songs, the details and the collaborators.
RENEWING = {
    "add-song",
    "remove-song",
    "reorder",
    "patch",
    "add-collaborator",
    "remove-collaborator",
}
WITH_ID = [name for name, endpoint in ENDPOINTS.items() if endpoint.has_id]

# fmt: off
#                                 owner       other      admin      anonymous  narrowed  collaborator follower
MATRIX: dict[tuple[str, str], tuple[Outcome, ...]] = {
    ("list", PRIVATE):           (OK,         OK,        OK,        NO_TOKEN,  NO_SCOPE, OK,         OK),
    ("list", PUBLIC):            (OK,         OK,        OK,        NO_TOKEN,  NO_SCOPE, OK,         OK),
    ("create", PRIVATE):         (CREATED,    CREATED,   CREATED,   NO_TOKEN,  NO_SCOPE, CREATED,    CREATED),
    ("create", PUBLIC):          (CREATED,    CREATED,   CREATED,   NO_TOKEN,  NO_SCOPE, CREATED,    CREATED),
    ("get", PRIVATE):            (OK,         HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, OK,         HIDDEN),
    ("get", PUBLIC):             (OK,         OK,        OK,        NO_TOKEN,  NO_SCOPE, OK,         OK),
    ("songs", PRIVATE):          (OK,         HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, OK,         HIDDEN),
    ("songs", PUBLIC):           (OK,         OK,        OK,        NO_TOKEN,  NO_SCOPE, OK,         OK),
    ("add-song", PRIVATE):       (CREATED,    HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, CREATED,    HIDDEN),
    ("add-song", PUBLIC):        (CREATED,    NOT_OWNER, NOT_OWNER, NO_TOKEN,  NO_SCOPE, CREATED,    NOT_OWNER),
    ("remove-song", PRIVATE):    (OK,         HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, OK,         HIDDEN),
    ("remove-song", PUBLIC):     (OK,         NOT_OWNER, NOT_OWNER, NO_TOKEN,  NO_SCOPE, OK,         NOT_OWNER),
    ("reorder", PRIVATE):        (OK,         HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, OK,         HIDDEN),
    ("reorder", PUBLIC):         (OK,         NOT_OWNER, NOT_OWNER, NO_TOKEN,  NO_SCOPE, OK,         NOT_OWNER),
    ("patch", PRIVATE):          (OK,         HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, NOT_OWNER,  HIDDEN),
    ("patch", PUBLIC):           (OK,         NOT_OWNER, NOT_OWNER, NO_TOKEN,  NO_SCOPE, NOT_OWNER,  NOT_OWNER),
    ("delete", PRIVATE):         (NO_CONTENT, HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, NOT_OWNER,  HIDDEN),
    ("delete", PUBLIC):          (NO_CONTENT, NOT_OWNER, NOT_OWNER, NO_TOKEN,  NO_SCOPE, NOT_OWNER,  NOT_OWNER),
    ("mine", PRIVATE):           (OK,         OK,        OK,        NO_TOKEN,  NO_SCOPE, OK,         OK),
    ("mine", PUBLIC):            (OK,         OK,        OK,        NO_TOKEN,  NO_SCOPE, OK,         OK),
    ("follow", PRIVATE):         (OWN,        HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, NO_CONTENT, HIDDEN),
    ("follow", PUBLIC):          (OWN,        NO_CONTENT, NO_CONTENT, NO_TOKEN, NO_SCOPE, NO_CONTENT, NO_CONTENT),
    ("unfollow", PRIVATE):       (OWN,        NO_CONTENT, NO_CONTENT, NO_TOKEN, NO_SCOPE, NO_CONTENT, NO_CONTENT),
    ("unfollow", PUBLIC):        (OWN,        NO_CONTENT, NO_CONTENT, NO_TOKEN, NO_SCOPE, NO_CONTENT, NO_CONTENT),
    ("collaborators", PRIVATE):  (OK,         HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, OK,         HIDDEN),
    ("collaborators", PUBLIC):   (OK,         NOT_MEMBER, NOT_MEMBER, NO_TOKEN, NO_SCOPE, OK,        NOT_MEMBER),
    ("add-collaborator", PRIVATE): (NO_CONTENT, HIDDEN,  HIDDEN,    NO_TOKEN,  NO_SCOPE, NOT_OWNER,  HIDDEN),
    ("add-collaborator", PUBLIC):  (NO_CONTENT, NOT_OWNER, NOT_OWNER, NO_TOKEN, NO_SCOPE, NOT_OWNER, NOT_OWNER),
    ("remove-collaborator", PRIVATE): (NO_CONTENT, HIDDEN, HIDDEN,  NO_TOKEN,  NO_SCOPE, NO_CONTENT, HIDDEN),
    ("remove-collaborator", PUBLIC):  (NO_CONTENT, NOT_OWNER, NOT_OWNER, NO_TOKEN, NO_SCOPE, NO_CONTENT, NOT_OWNER),
}
# An id that names no playlist, and one that is no UUID. Who the caller is and what scope the
# token has are settled before the id is looked at, or even parsed.
#                                 owner       other      admin      anonymous  narrowed  collaborator follower
UNKNOWN_ID =                     (HIDDEN,     HIDDEN,    HIDDEN,    NO_TOKEN,  NO_SCOPE, HIDDEN,     HIDDEN)
MALFORMED_ID =                   (INVALID,    INVALID,   INVALID,   NO_TOKEN,  NO_SCOPE, INVALID,    INVALID)
# Ending a follow of a playlist that is not there is done already (and tells nothing).
UNFOLLOW_UNKNOWN =               (NO_CONTENT, NO_CONTENT, NO_CONTENT, NO_TOKEN, NO_SCOPE, NO_CONTENT, NO_CONTENT)
# fmt: on

assert set(MATRIX) == {(name, v) for name in ENDPOINTS for v in (PRIVATE, PUBLIC)}


def _cells(
    rows: dict[str, tuple[Outcome, ...]],
) -> list[Any]:
    return [
        pytest.param(name, caller, outcome, id=f"{name}-{caller}-{outcome.status}")
        for name, outcomes in rows.items()
        for caller, outcome in zip(CALLERS, outcomes, strict=True)
    ]


MATRIX_CELLS = [
    pytest.param(name, visibility, caller, outcome, id=f"{name}-{visibility}-{caller}")
    for (name, visibility), outcomes in MATRIX.items()
    for caller, outcome in zip(CALLERS, outcomes, strict=True)
]


@dataclass
class World:
    """The users, their tokens and two songs, made once for the module."""

    client: httpx.AsyncClient
    tokens: dict[str, str]  # OWNER/OTHER/ADMIN: full tokens; READ/WRITE: the owner's narrowed
    songs: list[str]  # two song ids
    made: int = field(default=0)

    def headers(self, caller: str, endpoint: Endpoint) -> dict[str, str]:
        if caller == ANONYMOUS:
            return {}
        if caller == NARROWED:  # the owner, holding only the scope this endpoint does not need
            return bearer(self.tokens[WRITE if endpoint.scope == READ else READ])
        return bearer(self.tokens[caller])

    def relation(self, caller: str) -> str | None:
        return {OWNER: "owner", COLLABORATOR: "collaborator", FOLLOWER: "follower"}.get(caller)

    def body(self, name: str) -> dict[str, Any] | None:
        first, _ = self.songs
        bodies: dict[str, dict[str, Any]] = {
            "create": {"name": "Made by the cell", "public": True},
            "add-song": {"song_id": first},
            "remove-song": {"song_id": first},
            "reorder": {"range_start": 1, "insert_before": 0},
            "patch": {"name": "Renamed", "description": "By its owner."},
        }
        return bodies.get(name)

    async def call(self, name: str, caller: str, playlist_id: str) -> httpx.Response:
        endpoint = ENDPOINTS[name]
        return await self.client.request(
            endpoint.method,
            endpoint.path.format(id=playlist_id),
            json=self.body(name),
            headers=self.headers(caller, endpoint),
        )

    async def fresh_playlist(self, visibility: str) -> str:
        """A playlist of the owner's holding the two songs, in order, with `carl` as its
        collaborator and `fay` following it (while it was public, before it became private)."""
        self.made += 1
        owner = bearer(self.tokens[OWNER])
        response = await self.client.post(
            "/playlists/create", json={"name": f"Cell {self.made}", "public": True}, headers=owner
        )
        assert response.status_code == 201, response.text
        playlist_id: str = response.json()["id"]
        for song_id in self.songs:
            added = await self.client.post(
                f"/playlists/{playlist_id}/add-song", json={"song_id": song_id}, headers=owner
            )
            assert added.status_code == 201, added.text
        path = f"/playlists/{playlist_id}"
        made = [
            await self.client.put(f"{path}/collaborators/carl", headers=owner),
            await self.client.put(f"{path}/followers", headers=bearer(self.tokens[FOLLOWER])),
        ]
        if visibility == PRIVATE:
            made.append(await self.client.patch(path, json={"public": False}, headers=owner))
        for step in made:
            assert step.is_success, step.text
        return playlist_id

    async def owner_view(
        self, playlist_id: str
    ) -> tuple[dict[str, Any], list[str], list[str]] | None:
        """The playlist, its song ids and its collaborators as the owner sees them; None once
        it is gone."""
        owner = bearer(self.tokens[OWNER])
        response = await self.client.get(f"/playlists/{playlist_id}", headers=owner)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        songs = await self.client.get(f"/playlists/{playlist_id}/songs", headers=owner)
        assert songs.status_code == 200, songs.text
        members = await self.client.get(f"/playlists/{playlist_id}/collaborators", headers=owner)
        assert members.status_code == 200, members.text
        return (
            response.json(),
            [item["song"]["id"] for item in songs.json()["items"]],
            [item["username"] for item in members.json()["items"]],
        )


async def _curate_two_songs(client: httpx.AsyncClient, admin: dict[str, str]) -> list[str]:
    artist = await client.post("/artists", json={"name": "The Velvet Harbors"}, headers=admin)
    assert artist.status_code == 201, artist.text
    album = await client.post(
        "/albums", json={"title": "Lanterns", "artist_id": artist.json()["id"]}, headers=admin
    )
    assert album.status_code == 201, album.text
    songs = []
    for title in ("Paper Moons", "Glass Rivers"):
        song = await client.post(
            "/songs",
            json={"title": title, "album_id": album.json()["id"], "duration_ms": 200_000},
            headers=admin,
        )
        assert song.status_code == 201, song.text
        songs.append(song.json()["id"])
    return songs


async def _create_admin_with_the_cli(app: FastAPI) -> None:
    with pytest.MonkeyPatch.context() as env:
        await make_admin(app.state.settings, env)


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Replaces conftest's per-test wipe in this module: `world` wipes before and after it."""


@pytest.fixture(scope="module")
async def world(app: FastAPI) -> AsyncIterator[World]:
    await wipe(app)
    app.state.clock = FakeClock()
    async with asgi_client(app) as client:
        for caller in (OWNER, OTHER, COLLABORATOR, FOLLOWER):
            await register(client, USERNAMES[caller])
        await _create_admin_with_the_cli(app)
        tokens = {caller: await login(client, name) for caller, name in USERNAMES.items()}
        tokens[READ] = await login(client, USERNAMES[OWNER], scope=READ)
        tokens[WRITE] = await login(client, USERNAMES[OWNER], scope=WRITE)
        songs = await _curate_two_songs(client, bearer(tokens[ADMIN]))
        yield World(client, tokens, songs)
    await wipe(app)


def _assert_outcome(response: httpx.Response, expected: Outcome) -> None:
    assert response.status_code == expected.status, response.text
    if expected.code is not None:
        assert_problem(response, expected.status, expected.code)


@pytest.mark.parametrize(("name", "visibility", "caller", "expected"), MATRIX_CELLS)
async def test_matrix(
    world: World, name: str, visibility: str, caller: str, expected: Outcome
) -> None:
    playlist_id = await world.fresh_playlist(visibility)
    before = await world.owner_view(playlist_id)
    assert before is not None
    first, second = world.songs

    response = await world.call(name, caller, playlist_id)

    _assert_outcome(response, expected)
    after = await world.owner_view(playlist_id)
    changes = expected.success and ENDPOINTS[name].scope == WRITE and name != "create"
    if not changes:  # refused, or only a read: the playlist is exactly as it was
        assert after == before
    if not expected.success:
        return
    body: Any = response.json() if response.content else None
    match name:
        case "list":
            listed = {item["id"] for item in body["items"]}
            # Only the owner's list holds it, whoever else may read it.
            assert (playlist_id in listed) == (caller == OWNER)
        case "mine":
            related = {item["id"]: item["relation"] for item in body["items"]}
            relation = world.relation(caller)
            if caller == FOLLOWER and visibility == PRIVATE:
                relation = None  # kept, but not seen while it is private
            assert related.get(playlist_id) == relation
        case "create":
            assert body["owner"]["username"] == USERNAMES[caller]
            assert response.headers["location"] == f"/playlists/{body['id']}"
        case "get":
            assert body["id"] == playlist_id
            assert body["public"] == (visibility == PUBLIC)
        case "songs":
            assert [item["song"]["id"] for item in body["items"]] == [first, second]
        case "add-song":
            assert body["position"] == 2
            assert after is not None
            assert after[1] == [first, second, first]
        case "remove-song":
            assert body["removed"] == 1
            assert after is not None
            assert after[1] == [second]
        case "reorder":
            assert after is not None
            assert after[1] == [second, first]
        case "patch":
            assert after is not None
            assert after[0]["name"] == "Renamed"
        case "delete":
            assert after is None
        case "follow" | "unfollow":
            assert after is not None
            was = 1 if caller == FOLLOWER else 0
            now = 0 if name == "unfollow" else 1
            assert (before[0]["followers"], after[0]["followers"]) == (1, 1 - was + now)
            assert after[1:] == before[1:]  # its songs and collaborators
        case "collaborators":
            assert [item["username"] for item in body["items"]] == ["carl"]
        case "add-collaborator":
            assert after is not None
            assert after[2] == ["carl", "bob"]
        case "remove-collaborator":
            assert after is not None
            assert after[2] == []
    if changes and after is not None:
        renewed = after[0]["snapshot_id"] != before[0]["snapshot_id"]
        assert renewed == (name in RENEWING)


@pytest.mark.parametrize(
    ("name", "caller", "expected"),
    _cells({**dict.fromkeys(WITH_ID, UNKNOWN_ID), "unfollow": UNFOLLOW_UNKNOWN}),
)
async def test_an_unknown_id(world: World, name: str, caller: str, expected: Outcome) -> None:
    _assert_outcome(await world.call(name, caller, str(uuid.uuid4())), expected)


@pytest.mark.parametrize(
    ("name", "caller", "expected"), _cells(dict.fromkeys(WITH_ID, MALFORMED_ID))
)
async def test_a_malformed_id(world: World, name: str, caller: str, expected: Outcome) -> None:
    response = await world.call(name, caller, "not-a-uuid")
    _assert_outcome(response, expected)
    if expected == INVALID:
        assert response.json()["errors"][0]["loc"] == ["path", "playlist_id"]
