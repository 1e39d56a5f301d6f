"""The catalog's details as rows: one statement each, built once, assembled into plain data.

A detail (a song, an album with its songs, an artist with its albums) is one statement that
joins everything the answer shows, so that its parts come from one snapshot; the rows are
folded into dicts in the field order of the response schemas (`catalog.schemas`), which
`orjson` turns into the same bytes Pydantic would (`core.json`). No ORM object is made.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.core.reads import ReadDatabase, Rows

Data = dict[str, Any]
Row = Sequence[Any]

Credited = aliased(Artist, name="credited")
AlbumArtist = aliased(Artist, name="album_artist")

# A song's own columns, then its album's, then one credited artist per row.
SONG_COLUMNS = (
    Song.id,
    Song.title,
    Song.duration_ms,
    Song.track_number,
    Song.disc_number,
    Song.explicit,
    Song.isrc,
    Album.id,
    Album.title,
    Song.created_at,
    Song.updated_at,
    Credited.id,
    Credited.name,
)


def credits_of(query: Any) -> Any:
    return query.outerjoin(SongArtist, SongArtist.song_id == Song.id).outerjoin(
        Credited, Credited.id == SongArtist.artist_id
    )


SONG = credits_of(
    select(*SONG_COLUMNS)
    .join(Album, Album.id == Song.album_id)
    .where(Song.id == bindparam("song_id"))
).order_by(SongArtist.position)

ALBUM_COLUMNS = (
    Album.id,
    Album.title,
    Album.album_type,
    Album.release_date,
    Album.cover_url,
    Album.created_at,
    Album.updated_at,
)
_ALBUM_WIDTH = len(ALBUM_COLUMNS)

ALBUM_WITH_SONGS = credits_of(
    select(*ALBUM_COLUMNS, AlbumArtist.id, AlbumArtist.name, *SONG_COLUMNS)
    .select_from(Album)
    .join(AlbumArtist, AlbumArtist.id == Album.artist_id)
    .outerjoin(Song, Song.album_id == Album.id)
    .where(Album.id == bindparam("album_id"))
).order_by(Song.disc_number, Song.track_number, Song.id, SongArtist.position)

SONG_COUNT = (
    select(func.count(Song.id)).where(Song.album_id == Album.id).correlate(Album).scalar_subquery()
)
ARTIST_COLUMNS = (
    Artist.id,
    Artist.name,
    Artist.genres,
    Artist.image_url,
    Artist.followers,
    Artist.created_at,
    Artist.updated_at,
)
ARTIST_WITH_ALBUMS = (
    select(*ARTIST_COLUMNS, *ALBUM_COLUMNS, SONG_COUNT)
    .select_from(Artist)
    .outerjoin(Album, Album.artist_id == Artist.id)
    .where(Artist.id == bindparam("artist_id"))
    .order_by(Album.release_date.desc().nulls_last(), Album.title, Album.id)
)


ARTIST = select(*ARTIST_COLUMNS).where(Artist.id == bindparam("artist_id"))
ALBUM = (
    select(*ALBUM_COLUMNS, AlbumArtist.id, AlbumArtist.name, SONG_COUNT)
    .join(AlbumArtist, AlbumArtist.id == Album.artist_id)
    .where(Album.id == bindparam("album_id"))
)


def fold_songs(rows: Rows, start: int = 0) -> list[Data]:
    """Songs from rows that hold a song's columns at `start`, one row per credit, a song's
    rows next to each other (rows without a song, from an outer join, are skipped)."""
    songs: list[Data] = []
    current: Data | None = None
    for row in rows:
        song_id = row[start]
        if song_id is None:
            continue
        if current is None or current["id"] != song_id:
            current = {
                "id": song_id,
                "title": row[start + 1],
                "duration_ms": row[start + 2],
                "track_number": row[start + 3],
                "disc_number": row[start + 4],
                "explicit": row[start + 5],
                "isrc": row[start + 6],
                "album": {"id": row[start + 7], "title": row[start + 8]},
                "artists": [],
                "created_at": row[start + 9],
                "updated_at": row[start + 10],
            }
            songs.append(current)
        if row[start + 11] is not None:
            current["artists"].append({"id": row[start + 11], "name": row[start + 12]})
    return songs


def album_data(row: Row, artist: tuple[Any, Any], total_songs: int, start: int = 0) -> Data:
    return {
        "id": row[start],
        "title": row[start + 1],
        "album_type": row[start + 2],
        "release_date": row[start + 3],
        "cover_url": row[start + 4],
        "artist": {"id": artist[0], "name": artist[1]},
        "total_songs": total_songs,
        "created_at": row[start + 5],
        "updated_at": row[start + 6],
    }


def artist_data(row: Row) -> Data:
    return {
        "id": row[0],
        "name": row[1],
        "genres": row[2],
        "image_url": row[3],
        "followers": row[4],
        "created_at": row[5],
        "updated_at": row[6],
    }


async def song(db: ReadDatabase, song_id: uuid.UUID) -> Data | None:
    rows = await db.fetch(SONG, {"song_id": song_id})
    songs = fold_songs(rows)
    return songs[0] if songs else None


async def album(db: ReadDatabase, album_id: uuid.UUID) -> Data | None:
    rows = await db.fetch(ALBUM_WITH_SONGS, {"album_id": album_id})
    if not rows:
        return None
    songs = fold_songs(rows, _ALBUM_WIDTH + 2)
    first = rows[0]
    ref = (first[_ALBUM_WIDTH], first[_ALBUM_WIDTH + 1])
    return {**album_data(first, ref, len(songs)), "songs": songs}


async def artist(db: ReadDatabase, artist_id: uuid.UUID) -> Data | None:
    rows = await db.fetch(ARTIST_WITH_ALBUMS, {"artist_id": artist_id})
    if not rows:
        return None
    width = len(ARTIST_COLUMNS)
    ref = (rows[0][0], rows[0][1])
    albums = [album_data(row, ref, int(row[-1]), width) for row in rows if row[width] is not None]
    return {**artist_data(rows[0]), "albums": albums}


async def artist_alone(db: ReadDatabase, artist_id: uuid.UUID) -> Data | None:
    """The artist without their albums (as a change of the artist answers)."""
    rows = await db.fetch(ARTIST, {"artist_id": artist_id})
    return artist_data(rows[0]) if rows else None


async def album_alone(db: ReadDatabase, album_id: uuid.UUID) -> Data | None:
    """The album without its songs (as a change of the album answers)."""
    rows = await db.fetch(ALBUM, {"album_id": album_id})
    if not rows:
        return None
    row = rows[0]
    return album_data(row, (row[_ALBUM_WIDTH], row[_ALBUM_WIDTH + 1]), int(row[_ALBUM_WIDTH + 2]))
