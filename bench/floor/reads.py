"""The floor's reads: one prepared statement each (asyncpg's statement cache prepares it once
per connection), the rows turned into the service's bodies as plain dicts for orjson.

    GET /songs/{id}                          a song with its album and artists in credit order
    GET /albums/{id}                         an album with its artist, song count and songs
    GET /artists/{id}                        an artist with its albums, newest release first
    GET /songs?limit=N&offset=M              a page of songs by title, `next` signed as the
                                             service signs it (`spotify_api.core.paging`, the
                                             same SECRET_KEY); `total` counted once per process
    GET /playlists/{id}                      a playlist with its owner and total duration
    GET /playlists/{id}/songs?limit&offset   a page of a playlist's items with their songs
    GET /pg/playlists/{id}/songs?…           the same page, its items' JSON built by PostgreSQL
                                             (json_build_object / json_agg)
    GET /me                                  the benchmark user (BENCH_FLOOR_USER_ID)
"""

# ruff: noqa: S608 - the SQL is composed of this module's constants, never of input

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

import orjson

from spotify_api.core.paging import CursorCodec, Position

from .common import Problem, paging

SONG_SORT = ("/songs title", {"q": None, "artist_id": None, "album_id": None})

# A song's artists in credit order, as two arrays: joined on `s`, a row of songs.
CREDITS = """LEFT JOIN LATERAL (
    SELECT array_agg(ar.id ORDER BY sa.position) AS ids,
           array_agg(ar.name ORDER BY sa.position) AS names
    FROM song_artists sa JOIN artists ar ON ar.id = sa.artist_id WHERE sa.song_id = s.id
) c ON true"""
SONG = "s.id, s.title, s.duration_ms, s.track_number, s.disc_number, s.explicit, s.isrc, "
SONG += "s.album_id, al.title, c.ids, c.names, s.created_at, s.updated_at"
SONG_BY_ID = f"""SELECT {SONG} FROM songs s JOIN albums al ON al.id = s.album_id {CREDITS}
WHERE s.id = $1"""
SONG_PAGE = f"""SELECT {SONG} FROM songs s JOIN albums al ON al.id = s.album_id {CREDITS}
ORDER BY s.title, s.id OFFSET $1 LIMIT $2"""
SONG_COUNT = "SELECT count(*) FROM songs"
ALBUM = (
    """SELECT al.id, al.title, al.album_type, al.release_date, al.cover_url, al.artist_id,
ar.name, al.created_at, al.updated_at, s.id, s.title, s.duration_ms, s.track_number,
s.disc_number, s.explicit, s.isrc, c.ids, c.names, s.created_at, s.updated_at
FROM albums al JOIN artists ar ON ar.id = al.artist_id LEFT JOIN songs s ON s.album_id = al.id
"""
    + CREDITS
    + """ WHERE al.id = $1 ORDER BY s.disc_number, s.track_number, s.id"""
)
ARTIST = """SELECT ar.id, ar.name, ar.genres, ar.image_url, ar.followers, ar.created_at,
ar.updated_at,
al.id, al.title, al.album_type, al.release_date, al.cover_url, al.created_at, al.updated_at,
(SELECT count(*) FROM songs s WHERE s.album_id = al.id)
FROM artists ar LEFT JOIN albums al ON al.artist_id = ar.id WHERE ar.id = $1
ORDER BY al.release_date DESC NULLS LAST, al.title, al.id"""
ME = """SELECT id, username, email, role, created_at FROM users WHERE id = $1 AND NOT disabled"""
PLAYLIST = """SELECT p.id, p.name, p.description, p.public, p.owner_id, u.username,
p.snapshot_id, p.total_songs, p.duration_ms, p.created_at, p.updated_at
FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.id = $1"""
ITEMS = f"""SELECT p.total_songs, i.added_at, {SONG} FROM playlists p
LEFT JOIN LATERAL (SELECT rank, song_id, added_at FROM playlist_items
    WHERE playlist_id = $1 ORDER BY rank OFFSET $2 LIMIT $3) i ON true
LEFT JOIN songs s ON s.id = i.song_id LEFT JOIN albums al ON al.id = s.album_id {CREDITS}
WHERE p.id = $1 ORDER BY i.rank"""


def _stamp(column: str) -> str:
    """A timestamptz as JSON text the way Pydantic writes it (no fraction when it is 0)."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', "
        f"{column}) = {column} THEN '' ELSE to_char({utc}, '.US') END || 'Z'"
    )


ITEMS_PG = f"""SELECT p.total_songs, coalesce(json_agg(json_build_object(
    'position', $2::int + i.n - 1, 'added_at', {_stamp("i.added_at")}, 'song', json_build_object(
        'id', s.id, 'title', s.title, 'duration_ms', s.duration_ms,
        'track_number', s.track_number, 'disc_number', s.disc_number, 'explicit', s.explicit,
        'isrc', s.isrc, 'album', json_build_object('id', al.id, 'title', al.title),
        'artists', c.artists, 'created_at', {_stamp("s.created_at")},
        'updated_at', {_stamp("s.updated_at")}))
    ORDER BY i.rank) FILTER (WHERE i.rank IS NOT NULL), '[]')::text
FROM playlists p
LEFT JOIN LATERAL (SELECT rank, song_id, added_at, row_number() OVER (ORDER BY rank) AS n
    FROM (SELECT rank, song_id, added_at FROM playlist_items WHERE playlist_id = $1
          ORDER BY rank OFFSET $2 LIMIT $3) page) i ON true
LEFT JOIN songs s ON s.id = i.song_id LEFT JOIN albums al ON al.id = s.album_id
LEFT JOIN LATERAL (SELECT coalesce(json_agg(json_build_object('id', ar.id, 'name', ar.name)
    ORDER BY sa.position), '[]') AS artists FROM song_artists sa
    JOIN artists ar ON ar.id = sa.artist_id WHERE sa.song_id = s.id) c ON true
WHERE p.id = $1 GROUP BY p.id"""


def _artists(ids: list[uuid.UUID] | None, names: list[str] | None) -> list[dict[str, Any]]:
    return [{"id": i, "name": n} for i, n in zip(ids or (), names or (), strict=True)]


def song_body(row: Any, at: int, album_id: Any = None, album_title: Any = None) -> dict[str, Any]:
    """A song from the columns of SONG that start at `at` (without its album's two when the
    album is given)."""
    if album_id is None:
        fields = row[at : at + 13]
        album_id, album_title, ids, names = fields[7], fields[8], fields[9], fields[10]
        created, updated = fields[11], fields[12]
    else:
        fields = row[at : at + 11]
        ids, names, created, updated = fields[7], fields[8], fields[9], fields[10]
    return {
        "id": fields[0],
        "title": fields[1],
        "duration_ms": fields[2],
        "track_number": fields[3],
        "disc_number": fields[4],
        "explicit": fields[5],
        "isrc": fields[6],
        "album": {"id": album_id, "title": album_title},
        "artists": _artists(ids, names),
        "created_at": created,
        "updated_at": updated,
    }


def album_body(row: Any, artist: dict[str, Any], total: int) -> dict[str, Any]:
    return {
        "id": row[0],
        "title": row[1],
        "album_type": row[2],
        "release_date": row[3],
        "cover_url": row[4],
        "artist": artist,
        "total_songs": total,
        "created_at": row[5],
        "updated_at": row[6],
    }


class Reads:
    """The reads on a pool; `user` is whom `/me` answers with."""

    def __init__(self, pool: Any, codec: CursorCodec, user: uuid.UUID | None) -> None:
        self.pool = pool
        self.codec = codec
        self.user = user
        self.song_total: int | None = None

    async def song(self, song_id: uuid.UUID) -> Any:
        row = await self.pool.fetchrow(SONG_BY_ID, song_id)
        if row is None:
            raise Problem(404, "no such song")
        return song_body(row, 0)

    async def album(self, album_id: uuid.UUID) -> Any:
        rows = await self.pool.fetch(ALBUM, album_id)
        if not rows:
            raise Problem(404, "no such album")
        first = rows[0]
        songs = [song_body(r, 9, first[0], first[1]) for r in rows if r[9] is not None]
        artist = {"id": first[5], "name": first[6]}
        head = (first[0], first[1], first[2], first[3], first[4], first[7], first[8])
        return {**album_body(head, artist, len(songs)), "songs": songs}

    async def artist(self, artist_id: uuid.UUID) -> Any:
        rows = await self.pool.fetch(ARTIST, artist_id)
        if not rows:
            raise Problem(404, "no such artist")
        a = rows[0]
        ref = {"id": a[0], "name": a[1]}
        albums = [album_body(r[7:14], ref, r[14]) for r in rows if r[7] is not None]
        return {
            "id": a[0],
            "name": a[1],
            "genres": a[2],
            "image_url": a[3],
            "followers": a[4],
            "created_at": a[5],
            "updated_at": a[6],
            "albums": albums,
        }

    async def songs(self, query: dict[str, str]) -> Any:
        limit, offset = paging(query)
        rows = await self.pool.fetch(SONG_PAGE, offset, limit + 1)
        if self.song_total is None:
            self.song_total = int(await self.pool.fetchval(SONG_COUNT))
        page = rows[:limit]
        links: dict[str, str | None] = {"next": None, "previous": None}
        for name, row, at, backward, wanted in (
            ("next", page[-1] if page else None, offset + len(page), False, len(rows) > limit),
            ("previous", page[0] if page else None, offset, True, offset > 0),
        ):
            if wanted and row is not None:
                position = Position(row[1], str(row[0]), at, backward)
                cursor = self.codec.encode(*SONG_SORT, position)
                links[name] = "/songs?" + urlencode(
                    {"sort": "title", "limit": limit, "cursor": cursor}
                )
        items = [song_body(row, 0) for row in page]
        return {"items": items, "total": self.song_total, "limit": limit, "offset": offset, **links}

    async def me(self) -> Any:
        row = await self.pool.fetchrow(ME, self.user) if self.user else None
        if row is None:
            raise Problem(401, "no BENCH_FLOOR_USER_ID, or no such user")
        keys = ("id", "username", "email", "role", "created_at")
        return dict(zip(keys, row, strict=True))

    async def playlist(self, playlist_id: uuid.UUID) -> Any:
        r = await self.pool.fetchrow(PLAYLIST, playlist_id)
        if r is None:
            raise Problem(404, "no such playlist")
        return {
            "id": r[0],
            "name": r[1],
            "description": r[2],
            "public": r[3],
            "owner": {"id": r[4], "username": r[5]},
            "snapshot_id": r[6],
            "total_songs": r[7],
            "duration_ms": int(r[8]),
            "created_at": r[9],
            "updated_at": r[10],
        }

    async def items(
        self, playlist_id: uuid.UUID, query: dict[str, str], path: str, built_by_pg: bool
    ) -> Any:
        limit, offset = paging(query)
        items: Any
        if built_by_pg:
            row = await self.pool.fetchrow(ITEMS_PG, playlist_id, offset, limit)
            if row is None:
                raise Problem(404, "no such playlist")
            total, items = row[0], orjson.Fragment(row[1])
        else:
            rows = await self.pool.fetch(ITEMS, playlist_id, offset, limit)
            if not rows:
                raise Problem(404, "no such playlist")
            total = rows[0][0]
            items = [
                {"position": offset + n, "added_at": r[1], "song": song_body(r, 2)}
                for n, r in enumerate(row for row in rows if row[1] is not None)
            ]
        path = path.removeprefix("/pg")
        back = max(min(offset, total) - limit, 0)
        return {
            "items": items,
            "total": total,
            "limit": limit,
            "offset": offset,
            "next": f"{path}?limit={limit}&offset={offset + limit}"
            if offset + limit < total
            else None,
            "previous": f"{path}?limit={limit}&offset={back}" if offset > 0 else None,
        }
