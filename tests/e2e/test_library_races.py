"""The library's writers at once, over real sockets: one user saving the same songs in 50
requests, 50 users following the same artists, and the catalog deleting songs while they are
being saved. Every request answers as it should (204, or 404 for a song deleted first; never a
500 from a duplicate key or a deadlock), and the counters match the rows."""

from __future__ import annotations

import asyncio
import random
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from spotify_api.catalog.models import Artist
from spotify_api.library.models import FollowedArtist, LibraryTotals, SavedSong
from tests.e2e.actors import guarded, make_album, make_user, ok

CONCURRENT = 50


async def _rows(app: FastAPI, model: type[SavedSong] | type[FollowedArtist]) -> int:
    async with app.state.engine.connect() as connection:
        count = await connection.execute(select(func.count()).select_from(model))
        return int(count.scalar_one())


def _statuses(answers: list[httpx.Response]) -> list[int]:
    return [answer.status_code for answer in answers]


async def test_fifty_saves_of_the_same_fifty_songs_leave_fifty(
    live_app: FastAPI, http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    songs = (await make_album(http, admin, CONCURRENT))["songs"]
    listener = await make_user(http, "ada")
    orders = [random.sample(songs, len(songs)) for _ in range(CONCURRENT)]
    saves = [
        http.put("/me/songs", params={"ids": ",".join(order)}, headers=listener) for order in orders
    ]
    answers = await guarded(asyncio.gather(*saves))
    assert _statuses(answers) == [204] * CONCURRENT, [a.text for a in answers if a.is_error]
    page = await ok(http.get("/me/songs?limit=100", headers=listener))
    assert page["total"] == len(page["items"]) == CONCURRENT
    assert sorted(item["song"]["id"] for item in page["items"]) == sorted(songs)
    assert await _rows(live_app, SavedSong) == CONCURRENT


async def test_fifty_users_following_the_same_artists_count_every_follow(
    live_app: FastAPI, http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    artists = [
        (await ok(http.post("/artists", json={"name": f"Crowd {n}"}, headers=admin), 201))["id"]
        for n in range(5)
    ]
    users = await guarded(asyncio.gather(*(make_user(http, f"fan{n}") for n in range(CONCURRENT))))
    follows = [
        http.put("/me/artists", params={"ids": ",".join(random.sample(artists, 5))}, headers=user)
        for user in users
    ]
    answers = await guarded(asyncio.gather(*follows))
    assert _statuses(answers) == [204] * CONCURRENT, [a.text for a in answers if a.is_error]
    unfollows = [
        http.delete("/me/artists", params={"ids": artists[0]}, headers=user) for user in users[:10]
    ]
    answers = await guarded(asyncio.gather(*unfollows))
    assert _statuses(answers) == [204] * 10
    followed = await ok(http.get("/me/artists", headers=users[-1]))
    counts = {item["artist"]["id"]: item["artist"]["followers"] for item in followed["items"]}
    assert counts == {artists[0]: CONCURRENT - 10, **dict.fromkeys(artists[1:], CONCURRENT)}
    async with live_app.state.engine.connect() as connection:
        by_rows = select(FollowedArtist.artist_id, func.count()).group_by(FollowedArtist.artist_id)
        rows = dict((await connection.execute(by_rows)).all())
        stored = dict((await connection.execute(select(Artist.id, Artist.followers))).all())
    assert stored == rows


async def test_a_catalog_delete_racing_with_saves_never_answers_500(
    live_app: FastAPI, http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    made = await make_album(http, admin, 20)
    songs = made["songs"]
    listeners = await guarded(asyncio.gather(*(make_user(http, f"user{n}") for n in range(10))))
    doomed = songs[:8]
    saves = [
        http.put("/me/songs", params={"ids": ",".join(random.sample(songs, 20))}, headers=user)
        for user in listeners
        for _ in range(3)
    ]
    removals = [
        http.delete("/me/songs", params={"ids": ",".join(songs[::2])}, headers=user)
        for user in listeners
    ]
    deletes = [http.delete(f"/songs/{song}", headers=admin) for song in doomed]
    everything = [*saves, *removals, *deletes]
    random.shuffle(everything)
    answers = await guarded(asyncio.gather(*everything))
    assert all(a.status_code in (204, 404) for a in answers), [
        a.text for a in answers if a.status_code not in (204, 404)
    ]
    for answer in answers:
        if answer.status_code == 404:
            assert answer.json()["code"] in ("song_not_found", "not_found"), answer.text
    for user in listeners:
        page = await ok(http.get("/me/songs?limit=100", headers=user))
        assert page["total"] == len(page["items"])
        assert not {item["song"]["id"] for item in page["items"]} & set(doomed)
    async with live_app.state.engine.connect() as connection:
        per_user = select(SavedSong.user_id, func.count()).group_by(SavedSong.user_id)
        rows = dict((await connection.execute(per_user)).all())
        totals = select(LibraryTotals.user_id, LibraryTotals.songs).where(LibraryTotals.songs > 0)
        stored = dict((await connection.execute(totals)).all())
    assert stored == rows
    assert all(isinstance(user_id, uuid.UUID) for user_id in rows)
