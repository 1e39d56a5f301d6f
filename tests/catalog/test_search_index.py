"""Search stays true to the catalog through every write: creates, renames, credits, deletes with
their cascades, and the demo catalog's bulk load; and it is a cached catalog read."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from spotify_api.catalog.seed import plan_for, seed_demo
from tests.catalog.conftest import Curator, get_ok


async def found(client: httpx.AsyncClient, q: str, kind: str) -> list[str]:
    """The ids that `q` finds among `kind` (artist, album or song)."""
    field = {"artist": "artists", "album": "albums", "song": "songs"}[kind]
    answer = await get_ok(client, "/search", params={"q": q, "type": kind, "limit": 50})
    return [item["id"] for item in answer[field]["items"]]


async def test_renames_are_found_by_their_new_names_only(
    client: httpx.AsyncClient, curator: Curator, admin_headers: dict[str, str]
) -> None:
    artist = await curator.artist("Quiet Harbor")
    album = await curator.album(artist, "Lanterns")
    song = await curator.song(album, "Paper Moons")
    assert await found(client, "harbor", "song") == [song["id"]]  # by its artist

    for path, body in (
        (f"/artists/{artist['id']}", {"name": "Loud Lighthouse"}),
        (f"/albums/{album['id']}", {"title": "Beacons"}),
        (f"/songs/{song['id']}", {"title": "Glass Stars"}),
    ):
        response = await client.patch(path, json=body, headers=admin_headers)
        assert response.status_code == 200, response.text

    assert await found(client, "harbor", "artist") == []
    assert await found(client, "lighthouse", "artist") == [artist["id"]]
    assert await found(client, "lighthouse", "album") == [album["id"]]  # by its artist
    assert await found(client, "lighthouse", "song") == [song["id"]]
    assert await found(client, "lanterns", "album") == []
    assert await found(client, "beacons", "song") == [song["id"]]  # by its album
    assert await found(client, "paper moons", "song") == []
    assert await found(client, "glass stars", "song") == [song["id"]]


async def test_a_songs_new_credits_and_album_are_searched(
    client: httpx.AsyncClient, curator: Curator, admin_headers: dict[str, str]
) -> None:
    first, guest = await curator.artist("Northern Choir"), await curator.artist("Saffron Guest")
    one, other = await curator.album(first, "Tides"), await curator.album(first, "Embers")
    song = await curator.song(one, "Slow Light")
    assert await found(client, "saffron", "song") == []
    body = {"artist_ids": [first["id"], guest["id"]], "album_id": other["id"]}
    response = await client.patch(f"/songs/{song['id']}", json=body, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert await found(client, "saffron", "song") == [song["id"]]
    assert await found(client, "embers", "song") == [song["id"]]
    assert await found(client, "tides", "song") == []


async def test_deletes_and_their_cascades_leave_search(
    client: httpx.AsyncClient, curator: Curator, admin_headers: dict[str, str]
) -> None:
    doomed, guest = await curator.artist("Ember Coast"), await curator.artist("Velvet Guest")
    album = await curator.album(doomed, "Driftwood")
    own = await curator.song(album, "Salt Road")
    kept_album = await curator.album(guest, "Harbor Lights")
    featuring = await curator.song(kept_album, "Dune Song", artists=[guest, doomed])
    assert sorted(await found(client, "ember coast", "song")) == sorted(
        [own["id"], featuring["id"]]
    )

    response = await client.delete(f"/artists/{doomed['id']}?cascade=true", headers=admin_headers)
    assert response.status_code == 204, response.text
    assert await found(client, "ember coast", "artist") == []
    assert await found(client, "driftwood", "album") == []
    assert await found(client, "salt road", "song") == []
    assert await found(client, "ember coast", "song") == []  # no longer credited on Dune Song
    assert await found(client, "dune", "song") == [featuring["id"]]

    for path in (f"/songs/{featuring['id']}", f"/albums/{kept_album['id']}"):
        assert (await client.delete(path, headers=admin_headers)).status_code == 204
    assert await found(client, "dune", "song") == []
    assert await found(client, "harbor lights", "album") == []


async def test_the_demo_catalog_is_searchable_once_loaded(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await seed_demo(app.state.engine, plan_for(songs=300))
    listed = await get_ok(client, "/songs", params={"limit": 5})
    for song in listed["items"]:
        assert song["id"] in await found(client, song["title"], "song")
    artist = (await get_ok(client, "/artists", params={"limit": 1}))["items"][0]
    assert artist["id"] in await found(client, artist["name"], "artist")


async def test_search_is_a_cached_read_that_writes_make_obsolete(
    client: httpx.AsyncClient, curator: Curator
) -> None:
    artist = await curator.artist("Cinder Bloom")
    first = await client.get("/search", params={"q": "cinder"})
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    again = await client.get("/search", params={"q": "cinder"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    await curator.album(artist, "Cinder Tracks")
    after: Any = await client.get(
        "/search", params={"q": "cinder"}, headers={"If-None-Match": etag}
    )
    assert after.status_code == 200
    assert [album["title"] for album in after.json()["albums"]["items"]] == ["Cinder Tracks"]
    assert first.json()["albums"]["total"] == 0
    assert after.json()["albums"]["total"] == 1  # a total is counted again after a write
