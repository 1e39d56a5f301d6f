"""The statements of search: per type, one that pages its ranked matches and renders them, one
that counts them; and the look-up of a query's typos among the indexed words.

A match is ranked in tiers, then by the engine's relevance within a tier (PostgreSQL's
`ts_rank` over the weighted vector; SQLite's `bm25` with the same order of column weights),
then by the name and id, so that paging is deterministic:
- 5: the name (a song's or album's title) is the query: `key = :key`;
- 4: the name starts with the query;
- 3: every word is in the name itself (the primary field, weight A);
- 2: every word is in the row, some in the other fields (a song's artists or album);
- 1: only with a typo.

The SQL is put together from this module's constants alone (the tables and columns of each
`Kind`); every value is a bound parameter.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, Select, String, TextClause, Uuid, bindparam, select, text

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.catalog.reads import (
    ALBUM_COLUMNS,
    ARTIST_COLUMNS,
    SONG_COLUMNS,
    SONG_COUNT,
    AlbumArtist,
    Data,
    album_data,
    artist_data,
    credits_of,
    fold_songs,
)
from spotify_api.catalog.search_query import SearchQuery
from spotify_api.core.reads import ReadDatabase


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # artist, album, song
    table: str
    id_column: str
    primary: str
    #: SQLite's bm25 weights, per column of the FTS table, in its order.
    weights: tuple[float, ...]


ARTISTS = Kind("artist", "artist_search", "artist_id", "name", (10.0,))
ALBUMS = Kind("album", "album_search", "album_id", "title", (10.0, 4.0))
SONGS = Kind("song", "song_search", "song_id", "title", (10.0, 4.0, 2.0))
KINDS = {kind.name: kind for kind in (ARTISTS, ALBUMS, SONGS)}

_TIER = """CASE WHEN t.key = CAST(:key AS TEXT) THEN 5
    WHEN substr(t.key, 1, length(CAST(:key AS TEXT))) = CAST(:key AS TEXT) THEN 4
    WHEN {primary} THEN 3 WHEN {exact} THEN 2 ELSE 1 END"""


def _hits_sql(kind: Kind, postgres: bool) -> str:
    """The ranked ids of a page of matches: id, tier, score, key."""
    order = "ORDER BY tier DESC, score DESC, key, id LIMIT :limit OFFSET :offset"
    if postgres:
        query = "to_tsquery('simple', CAST(:{} AS TEXT))"
        tier = _TIER.format(
            primary=f"t.vector @@ {query.format('primary')}",
            exact=f"t.vector @@ {query.format('exact')}",
        )
        return (
            f"SELECT t.{kind.id_column} AS id, {tier} AS tier, "  # noqa: S608  # nosec B608
            f"ts_rank(t.vector, {query.format('any')}) AS score, t.key AS key "
            f"FROM {kind.table} t WHERE t.vector @@ {query.format('any')} {order}"
        )
    fts = f"{kind.table}_fts"
    within = f"t.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :{{}})"  # noqa: S608  # nosec B608
    tier = _TIER.format(primary=within.format("primary"), exact=within.format("exact"))
    weights = ", ".join(str(weight) for weight in kind.weights)
    return (
        f"SELECT t.{kind.id_column} AS id, {tier} AS tier, -bm25({fts}, {weights}) AS score, "  # noqa: S608  # nosec B608
        f"t.key AS key FROM {fts} JOIN {kind.table} t ON t.rowid = {fts}.rowid "
        f"WHERE {fts} MATCH :any {order}"
    )


def _hits(kind: Kind, postgres: bool) -> Any:
    statement = text(_hits_sql(kind, postgres)).bindparams(
        bindparam("limit", type_=Integer()), bindparam("offset", type_=Integer())
    )
    return statement.columns(id=Uuid(), tier=Integer(), score=Float(), key=String()).subquery(
        "hits"
    )


def _page(kind: Kind, postgres: bool) -> Select[Any]:
    hits = _hits(kind, postgres)
    order = (hits.c.tier.desc(), hits.c.score.desc(), hits.c.key, hits.c.id)
    if kind is ARTISTS:
        return (
            select(*ARTIST_COLUMNS, hits.c.tier).join(hits, hits.c.id == Artist.id).order_by(*order)
        )
    if kind is ALBUMS:
        return (
            select(*ALBUM_COLUMNS, AlbumArtist.id, AlbumArtist.name, SONG_COUNT, hits.c.tier)
            .join(hits, hits.c.id == Album.id)
            .join(AlbumArtist, AlbumArtist.id == Album.artist_id)
            .order_by(*order)
        )
    query = select(*SONG_COLUMNS, hits.c.tier).select_from(hits).join(Song, Song.id == hits.c.id)
    query = credits_of(query.join(Album, Album.id == Song.album_id))
    ordered: Select[Any] = query.order_by(*order, SongArtist.position)
    return ordered


def _count(kind: Kind, postgres: bool) -> TextClause:
    if postgres:
        return text(
            f"SELECT count(*) FROM {kind.table} "  # noqa: S608  # nosec B608
            "WHERE vector @@ to_tsquery('simple', CAST(:any AS TEXT))"
        )
    fts = f"{kind.table}_fts"
    return text(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :any")  # noqa: S608  # nosec B608


_PAGES = {(name, pg): _page(kind, pg) for name, kind in KINDS.items() for pg in (True, False)}
_COUNTS = {(name, pg): _count(kind, pg) for name, kind in KINDS.items() for pg in (True, False)}
_KNOWN_WORDS = {
    True: text("SELECT word FROM search_words WHERE word = ANY(:words)"),
    False: text(
        "SELECT word FROM search_words WHERE word IN (SELECT value FROM json_each(:words))"
    ),
}


async def with_typos(db: ReadDatabase, query: SearchQuery) -> SearchQuery:
    """The query, its long words also matching the indexed words one edit away."""
    lookups = query.typo_lookups()
    variants = sorted(set().union(*lookups.values())) if lookups else []
    if not variants:
        return query
    postgres = db.dialect == "postgresql"
    words: Any = variants if postgres else json.dumps(variants)
    rows = await db.fetch(_KNOWN_WORDS[postgres], {"words": words})
    return query.with_typos({row[0] for row in rows})


def _params(query: SearchQuery, postgres: bool) -> dict[str, Any]:
    if postgres:
        return {
            "key": query.key,
            "any": query.tsquery(),
            "exact": query.tsquery(typos=False),
            "primary": query.tsquery(typos=False, weight="A"),
        }
    return {"key": query.key, "any": query.fts(), "exact": query.fts(typos=False)}


@dataclass(frozen=True, slots=True)
class Hit:
    """A rendered match and its tier, for the ranking across types."""

    tier: int
    item: Data


async def page(
    db: ReadDatabase, kind_name: str, query: SearchQuery, limit: int, offset: int
) -> list[Hit]:
    """A page of the matches of one type, best first."""
    kind, postgres = KINDS[kind_name], db.dialect == "postgresql"
    params = {**_params(query, postgres), "limit": limit, "offset": offset}
    if not postgres:
        params["primary"] = query.fts(typos=False, column=kind.primary)
    rows = await db.fetch(_PAGES[kind_name, postgres], params)
    if kind is ARTISTS:
        return [Hit(row[len(ARTIST_COLUMNS)], artist_data(row)) for row in rows]
    if kind is ALBUMS:
        width = len(ALBUM_COLUMNS)
        return [
            Hit(row[width + 3], album_data(row, (row[width], row[width + 1]), int(row[width + 2])))
            for row in rows
        ]
    tiers: dict[uuid.UUID, int] = {row[0]: row[len(SONG_COLUMNS)] for row in rows}
    return [Hit(tiers[song["id"]], song) for song in fold_songs(rows)]


async def count(db: ReadDatabase, kind_name: str, query: SearchQuery) -> int:
    postgres = db.dialect == "postgresql"
    rows = await db.fetch(_COUNTS[kind_name, postgres], {"any": _params(query, postgres)["any"]})
    return int(rows[0][0])
