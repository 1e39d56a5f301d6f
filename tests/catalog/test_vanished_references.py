"""A curation write whose album or artist is deleted between its check and its write is a 422
naming the field, not a 500: the foreign key refuses the write, and the service says why.

Deterministic, without sleeps: just before the app's UPDATE of the song (or INSERT of the
album), another connection deletes the album (artist) it names and commits.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import delete, event
from sqlalchemy.ext.asyncio import create_async_engine

from spotify_api.catalog.models import Album, Artist
from tests.catalog.conftest import Curator
from tests.helpers import assert_problem


async def _delete(url: str, statement: Any) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(statement)
    finally:
        await engine.dispose()


@contextmanager
def deleted_before(app: FastAPI, prefix: str, statement: Any) -> Iterator[None]:
    """Run `statement` from another connection, committed, just before the app's first SQL
    statement that starts with `prefix`."""
    done: list[bool] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_delete(app.state.settings.database_url, statement))
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    def before(connection: Any, cursor: Any, sql: str, *args: Any) -> None:
        if not done and sql.lstrip().upper().startswith(prefix):
            done.append(True)
            thread = threading.Thread(target=run)
            thread.start()
            thread.join()

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert done, f"the app sent no {prefix} statement"
    assert not failures, failures


async def test_moving_a_song_to_an_album_deleted_meanwhile_is_422(
    app: FastAPI, client: httpx.AsyncClient, curator: Curator, admin_headers: dict[str, str]
) -> None:
    artist = await curator.artist("Mover")
    home = await curator.album(artist, "Home")
    away = await curator.album(artist, "Away")
    song = await curator.song(home, "Wanderer")
    gone = delete(Album).where(Album.id == uuid.UUID(away["id"]))
    with deleted_before(app, "UPDATE SONGS", gone):
        response = await client.patch(
            f"/songs/{song['id']}", json={"album_id": away["id"]}, headers=admin_headers
        )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["body", "album_id"]
    assert (await client.get(f"/songs/{song['id']}")).json()["album"]["id"] == home["id"]


async def test_an_album_of_an_artist_deleted_meanwhile_is_422(
    app: FastAPI, client: httpx.AsyncClient, curator: Curator, admin_headers: dict[str, str]
) -> None:
    artist = await curator.artist("Fleeting")
    gone = delete(Artist).where(Artist.id == uuid.UUID(artist["id"]))
    with deleted_before(app, "INSERT INTO ALBUMS", gone):
        response = await client.post(
            "/albums", json={"title": "Never", "artist_id": artist["id"]}, headers=admin_headers
        )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["body", "artist_id"]
