"""A page of a playlist's items is one snapshot: its total, its links and its items agree even
when a change commits while the page is being read.

Reads run in autocommit, where every statement sees the database as it is when that statement
starts. Deterministically, without sleeps: just after the page's first SQL statement returns,
another connection commits an append (as a finished add-song leaves it). A page read in two
statements (the playlist's row, then its items) would then show the old total with the new
items; read in one, it shows the playlist as it was before the append, or after it, whole.
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
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import create_async_engine

from spotify_api.core.db import utc_now
from spotify_api.playlists.models import Playlist, PlaylistItem
from tests.backends import after_statements
from tests.playlists.conftest import PlaylistFactory


async def _append(url: str, playlist_id: uuid.UUID, song_id: uuid.UUID) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            last = select(func.max(PlaylistItem.rank)).where(
                PlaylistItem.playlist_id == playlist_id
            )
            rank = (await connection.scalar(last)) + 2**32
            await connection.execute(
                insert(PlaylistItem).values(
                    playlist_id=playlist_id, rank=rank, song_id=song_id, added_at=utc_now()
                )
            )
            await connection.execute(
                update(Playlist)
                .where(Playlist.id == playlist_id)
                .values(total_songs=Playlist.total_songs + 1, snapshot_id=uuid.uuid4().hex)
            )
    finally:
        await engine.dispose()


@contextmanager
def append_after_first_statement(
    app: FastAPI, playlist_id: uuid.UUID, song_id: uuid.UUID
) -> Iterator[list[str]]:
    """Commit an append from another connection as soon as the app's next statement on the
    playlists has returned, before the app sends any other. Yields the app's statements."""
    statements: list[str] = []
    failures: list[BaseException] = []

    def commit_append() -> None:
        try:
            asyncio.run(_append(app.state.settings.database_url, playlist_id, song_id))
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    def after(statement: str) -> None:
        statements.append(statement)
        if len(statements) == 1:
            # The app's event loop waits here, as a slow step between two statements would.
            writer = threading.Thread(target=commit_append)
            writer.start()
            writer.join()

    with after_statements(app, after):
        yield statements
    assert not failures, failures


async def test_a_page_is_one_snapshot_of_a_playlist_changing_meanwhile(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist(songs=songs[:3])
    playlist_id, appended = uuid.UUID(playlist["id"]), uuid.UUID(songs[3]["id"])
    url = f"/playlists/{playlist['id']}/songs"

    with append_after_first_statement(app, playlist_id, appended) as statements:
        response = await client.get(url, headers=user_headers)
    assert response.status_code == 200, response.text
    assert statements, "the page read nothing"

    page = response.json()
    shown = [item["song"]["id"] for item in page["items"]]
    # As before the append, or as after it; never the total of one with the items of the other.
    before, after = [song["id"] for song in songs[:3]], [song["id"] for song in songs[:4]]
    assert (page["total"], shown) in ((3, before), (4, after)), page
    assert page["next"] is None
    # The append did commit: the next read sees it.
    again = (await client.get(url, headers=user_headers)).json()
    assert again["total"] == len(again["items"]) == 4
