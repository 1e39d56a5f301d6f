"""Migrations alone change the schema: down and up cleanly, and they match the models."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.catalog.search_models import (
    SEARCH_FTS_PREFIXES,
    AlbumSearch,
    ArtistSearch,
    SearchWord,
    SongSearch,
)
from spotify_api.core.migrations import downgrade, upgrade
from spotify_api.models import Base, autogenerate_filter
from spotify_api.playlists.models import Playlist, PlaylistItem
from spotify_api.settings import Settings
from spotify_api.users.models import User


def _all_tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _tables(connection: Connection) -> set[str]:
    """The tables there, but for Alembic's own and SQLite's full-text ones (search's)."""
    return {name for name in _all_tables(connection) if not name.startswith(SEARCH_FTS_PREFIXES)}


def _differences(connection: Connection) -> list[Any]:
    options = {"compare_type": True, "include_object": autogenerate_filter(connection.dialect.name)}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, Base.metadata))


async def _run(settings: Settings, check: Any) -> Any:
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(check)
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_upgrade_again(migrated: Settings) -> None:
    try:
        await asyncio.to_thread(downgrade, migrated, "base")
        assert await _run(migrated, _all_tables) == set()
    finally:
        await asyncio.to_thread(upgrade, migrated)
    assert await _run(migrated, _tables) == set(Base.metadata.tables)


# SQLite cannot reflect expression indexes (lower(username)); PostgreSQL compares them.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
async def test_the_models_match_the_migrations(migrated: Settings) -> None:
    assert await _run(migrated, _differences) == []


async def test_upgrading_to_stored_durations_sums_each_playlists_songs(migrated: Settings) -> None:
    """The migration that stores a playlist's duration fills it in for the playlists there."""
    before = "c3a1e5f7b9d2"  # the revision before playlists kept their duration
    user, artist, album = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    songs = {uuid.uuid4(): duration for duration in (1_000, 20_000, 300_000)}
    full, empty = uuid.uuid4(), uuid.uuid4()
    playlists = sa.table(  # as the table was then: no duration
        "playlists",
        sa.column("id", sa.Uuid()),
        sa.column("owner_id", sa.Uuid()),
        *(sa.column(name) for name in ("name", "snapshot_id", "total_songs")),
    )
    now = datetime.now(UTC)
    await asyncio.to_thread(downgrade, migrated, before)
    try:

        def fill(connection: Connection) -> None:
            connection.execute(
                sa.insert(User.__table__).values(
                    id=user, username="migrated", email="m@example.com", password_hash="!"
                )
            )
            connection.execute(sa.insert(Artist.__table__).values(id=artist, name="Kept"))
            connection.execute(
                sa.insert(Album.__table__).values(id=album, title="Kept", artist_id=artist)
            )
            for song, duration in songs.items():
                connection.execute(
                    sa.insert(Song.__table__).values(
                        id=song, title="Kept", album_id=album, duration_ms=duration
                    )
                )
            for playlist, held in ((full, [*songs, *songs][:4]), (empty, [])):
                connection.execute(
                    sa.insert(playlists).values(
                        id=playlist, owner_id=user, name="Kept", snapshot_id="s", total_songs=0
                    )
                )
                for rank, song in enumerate(held, start=1):
                    connection.execute(
                        sa.insert(PlaylistItem.__table__).values(
                            playlist_id=playlist, rank=rank, song_id=song, added_at=now
                        )
                    )
            connection.commit()

        await _run(migrated, fill)
    finally:
        await asyncio.to_thread(upgrade, migrated)

    def durations(connection: Connection) -> dict[uuid.UUID, int]:
        query = sa.select(Playlist.id, Playlist.duration_ms).where(Playlist.owner_id == user)
        found = {row[0]: row[1] for row in connection.execute(query)}
        connection.execute(sa.delete(PlaylistItem).where(PlaylistItem.song_id.in_(songs)))
        connection.execute(sa.delete(User.__table__).where(User.id == user))
        connection.execute(sa.delete(Song.__table__).where(Song.album_id == album))
        connection.execute(sa.delete(Album.__table__).where(Album.id == album))
        connection.execute(sa.delete(Artist.__table__).where(Artist.id == artist))
        connection.commit()
        return found

    held = list(songs.values())
    assert await _run(migrated, durations) == {full: sum(held) + held[0], empty: 0}


async def test_upgrading_to_search_indexes_the_catalog_there(migrated: Settings) -> None:
    """The migration that adds search writes the rows of the artists, albums and songs there."""
    before = "e5c3a7b9d1f4"  # the revision before search
    artist, album, song = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await asyncio.to_thread(downgrade, migrated, before)
    try:

        def fill(connection: Connection) -> None:
            connection.execute(sa.insert(Artist.__table__).values(id=artist, name="Sigur Rós"))
            connection.execute(
                sa.insert(Album.__table__).values(id=album, title="Takk...", artist_id=artist)
            )
            connection.execute(
                sa.insert(Song.__table__).values(
                    id=song, title="Hoppípolla", album_id=album, duration_ms=268_000
                )
            )
            connection.execute(
                sa.insert(SongArtist.__table__).values(song_id=song, position=0, artist_id=artist)
            )
            connection.commit()

        await _run(migrated, fill)
    finally:
        await asyncio.to_thread(upgrade, migrated)

    def indexed(connection: Connection) -> tuple[Any, ...]:
        rows = (
            connection.execute(sa.select(ArtistSearch.key, ArtistSearch.name)).one(),
            connection.execute(sa.select(AlbumSearch.title, AlbumSearch.artist)).one(),
            connection.execute(
                sa.select(SongSearch.title, SongSearch.artists, SongSearch.album)
            ).one(),
            sorted(connection.scalars(sa.select(SearchWord.word))),
        )
        connection.execute(sa.delete(Song.__table__).where(Song.id == song))
        connection.execute(sa.delete(Album.__table__).where(Album.id == album))
        connection.execute(sa.delete(Artist.__table__).where(Artist.id == artist))
        connection.execute(sa.delete(SearchWord.__table__))
        connection.commit()
        return tuple(tuple(row) if not isinstance(row, list) else row for row in rows)

    assert await _run(migrated, indexed) == (
        ("sigur ros", "sigur ros"),
        ("takk", "sigur ros"),
        ("hoppipolla", "sigur ros", "takk"),
        ["hoppipolla", "ros", "sigur", "takk"],
    )
