"""Keeping the search rows (`search_models`) true to the catalog.

Every catalog write calls `refresh` in its own transaction with what it changed: the rows of
those artists, albums and songs are written anew, and so are the rows that show their names
(an artist's name is in its albums' rows and in the rows of the songs it is credited on; an
album's title is in its songs'). A row whose artist, album or song is gone is deleted. Deletes
of the catalog's own rows take their search rows along by themselves (ON DELETE CASCADE), but
a song that loses an artist's credit is refreshed by the write that removed it.

`rebuild` writes every row again (the migration that made the tables, and the demo catalog's
bulk load). Both run on a synchronous `Connection`, so that the migration can call them as they
are; async code calls them through `run_sync`. Names are read with `search_words`, in Python:
the same code reads the queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, text

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.catalog.search_models import (
    FIELD_BITS,
    AlbumSearch,
    ArtistSearch,
    SearchWord,
    SongSearch,
)
from spotify_api.catalog.search_words import index_text, key
from spotify_api.core.db import IDS_PER_STATEMENT, engine_insert, in_chunks

#: The advisory lock that search refreshes take (PostgreSQL), a constant of this project.
REFRESH_LOCK = 7_362_514_280_113


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _insert(connection: Connection, model: Any) -> Any:
    """The engine's own INSERT (for its ON CONFLICT)."""
    return engine_insert(_table(model), connection.dialect.name == "postgresql")


def _artist_rows(connection: Connection, ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    query = select(Artist.id, Artist.name).where(Artist.id.in_(ids))
    return [
        {"artist_id": artist_id, "key": key(name), "name": index_text(name)}
        for artist_id, name in connection.execute(query)
    ]


def _album_rows(connection: Connection, ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    query = (
        select(Album.id, Album.title, Artist.name)
        .join(Artist, Artist.id == Album.artist_id)
        .where(Album.id.in_(ids))
    )
    return [
        {
            "album_id": album_id,
            "key": key(title),
            "title": index_text(title),
            "artist": index_text(artist),
        }
        for album_id, title, artist in connection.execute(query)
    ]


def _song_rows(connection: Connection, ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    credits: dict[uuid.UUID, list[str]] = {}
    credited = (
        select(SongArtist.song_id, Artist.name)
        .join(Artist, Artist.id == SongArtist.artist_id)
        .where(SongArtist.song_id.in_(ids))
        .order_by(SongArtist.song_id, SongArtist.position)
    )
    for song_id, name in connection.execute(credited):
        credits.setdefault(song_id, []).append(name)
    query = (
        select(Song.id, Song.title, Album.title)
        .join(Album, Album.id == Song.album_id)
        .where(Song.id.in_(ids))
    )
    return [
        {
            "song_id": song_id,
            "key": key(title),
            "title": index_text(title),
            "artists": index_text(" ".join(credits.get(song_id, []))),
            "album": index_text(album),
        }
        for song_id, title, album in connection.execute(query)
    ]


_KINDS = (
    (ArtistSearch, ArtistSearch.artist_id, _artist_rows, ("name",)),
    (AlbumSearch, AlbumSearch.album_id, _album_rows, ("title", "artist")),
    (SongSearch, SongSearch.song_id, _song_rows, ("title", "artists", "album")),
)


def _add_words(
    connection: Connection, table: str, rows: Iterable[dict[str, Any]], fields: Sequence[str]
) -> None:
    """Remember the rows' words, with the fields they are in (or-ed into those known)."""
    found: dict[str, int] = {}
    for row in rows:
        for field in fields:
            bit = FIELD_BITS[table, field]
            for word in row[field].split():
                found[word] = found.get(word, 0) | bit
    if not found:
        return
    for words in in_chunks(sorted(found)):
        chunk = [{"word": word, "fields": found[word]} for word in words]
        statement = _insert(connection, SearchWord)
        merged = statement.on_conflict_do_update(
            index_elements=["word"],
            set_={"fields": SearchWord.fields.op("|")(statement.excluded.fields)},
        )
        connection.execute(merged, chunk)


def _write(
    connection: Connection, kind: int, ids: Sequence[uuid.UUID], *, fresh: bool = False
) -> None:
    """Write the rows of these ids (of `_KINDS[kind]`), and delete those whose artist, album
    or song is gone; `fresh`: none of them is there yet.

    An upsert, not a delete and an insert: two writes that refresh one row at once (two
    curators changing one song, or an artist's rename and a change of a song credited to it)
    then wait for each other's row instead of one inserting a key the other just committed.
    """
    model, id_column, rows_of, fields = _KINDS[kind]
    for chunk in in_chunks(sorted(set(ids))):
        rows = rows_of(connection, chunk)
        if fresh:
            if rows:
                connection.execute(insert(_table(model)), rows)
        else:
            present = {row[id_column.key] for row in rows}
            gone = [row_id for row_id in chunk if row_id not in present]
            if gone:
                connection.execute(delete(model).where(id_column.in_(gone)))
            if rows:
                statement = _insert(connection, model)
                changed = {name: statement.excluded[name] for name in ("key", *fields)}
                upsert = statement.on_conflict_do_update(
                    index_elements=[id_column.key], set_=changed
                )
                connection.execute(upsert, sorted(rows, key=lambda row: row[id_column.key]))
        if rows:
            _add_words(connection, model.__tablename__, rows, fields)


def _ids(connection: Connection, query: Any) -> list[uuid.UUID]:
    return list(connection.scalars(query))


def refresh(
    connection: Connection,
    *,
    artists: Sequence[uuid.UUID] = (),
    albums: Sequence[uuid.UUID] = (),
    songs: Sequence[uuid.UUID] = (),
) -> None:
    """Write anew the search rows of these artists, albums and songs, and of the rows that show
    their names.

    On PostgreSQL the refreshes serialise on a transaction-scoped advisory lock: an artist's
    rename and a change of a song credited to it write the same rows and words in orders that
    could otherwise deadlock (curation is rare; SQLite's write lock serialises them anyway).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REFRESH_LOCK})
    album_ids, song_ids = list(albums), list(songs)
    for chunk in in_chunks(list(artists)):
        album_ids += _ids(connection, select(Album.id).where(Album.artist_id.in_(chunk)))
        credited = select(SongArtist.song_id).where(SongArtist.artist_id.in_(chunk))
        song_ids += _ids(connection, credited.distinct())
    for chunk in in_chunks(list(albums)):
        song_ids += _ids(connection, select(Song.id).where(Song.album_id.in_(chunk)))
    _write(connection, 0, artists)
    _write(connection, 1, album_ids)
    _write(connection, 2, song_ids)


def rebuild(connection: Connection) -> None:
    """Write every search row anew, and forget the words no row holds."""
    connection.execute(delete(SearchWord))
    for kind, (model, _, _, _) in enumerate(_KINDS):
        connection.execute(delete(model))
        catalog = (Artist, Album, Song)[kind]
        last: uuid.UUID | None = None
        while True:
            query = select(catalog.id).order_by(catalog.id).limit(IDS_PER_STATEMENT)
            if last is not None:
                query = query.where(catalog.id > last)
            ids = _ids(connection, query)
            if not ids:
                break
            _write(connection, kind, ids, fresh=True)
            last = ids[-1]
