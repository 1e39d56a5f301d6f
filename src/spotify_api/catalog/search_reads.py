"""The statements of search: per type, the ids of its matches rank by rank, the rendering of a
page of them, the count of all; and the look-up of a query's typos among the indexed words.

A match is ranked in tiers, and within a tier by its key (the name's joined words, compared
byte by byte) and id, so that paging is deterministic:
- 5: the name (a song's or album's title) is the query: `key = :key`;
- 4: the name starts with the query: `:key < key < :key_next`;
- 3: every word is in the name itself (`primary_vector` on PostgreSQL, the FTS table's first
  column on SQLite), the last as a prefix;
- 2: every word is in the row, some only in its other fields (a song's artists or album);
- 1: only with a typo.
Each tier is a statement of its own that its indexes serve in order (the key's btree for 5 and
4, and for the order of 3 to 1 where the planner walks it), asked for no more rows than the page
still needs: a search runs the tiers in turn and stops when it has them. A common word fills
its page from the first tiers without ranking the thousands of rows it matches.

The SQL is put together from this module's constants alone (the tables and columns of each
`Kind`); every value is a bound parameter.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, TextClause, select, text

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
from spotify_api.catalog.search_models import FIELD_BITS
from spotify_api.catalog.search_query import COMPLETIONS_MAX, SearchQuery
from spotify_api.core.id_lists import among, id_list
from spotify_api.core.reads import ReadDatabase

#: Past every character: `key < key + KEY_END` holds for every key that starts with `key`.
KEY_END = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # artist, album, song
    table: str
    id_column: str
    primary: str  # the name's column


ARTISTS = Kind("artist", "artist_search", "artist_id", "name")
ALBUMS = Kind("album", "album_search", "album_id", "title")
SONGS = Kind("song", "song_search", "song_id", "title")
KINDS = {kind.name: kind for kind in (ARTISTS, ALBUMS, SONGS)}

_STARTS = "(t.key >= :key AND t.key < :key_next)"
#: The fields of each table's rows, as bits.
_ROW_BITS = {
    table: sum(bit for (owner, _), bit in FIELD_BITS.items() if owner == table)
    for table in {table for table, _ in FIELD_BITS}
}


def _conditions(kind: Kind, postgres: bool) -> dict[int, str]:
    """What a row of each tier is (and is not: no row is in two tiers)."""
    if postgres:
        primary = "t.primary_vector @@ to_tsquery('simple', CAST(:exact AS TEXT))"
        exact = "t.vector @@ to_tsquery('simple', CAST(:exact AS TEXT))"
        typo = "t.vector @@ to_tsquery('simple', CAST(:any AS TEXT))"
    else:
        fts = f"{kind.table}_fts"
        matching = f"t.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :{{}})"  # noqa: S608  # nosec B608
        primary, exact, typo = (matching.format(name) for name in ("primary", "exact", "any"))
    return {
        5: "t.key = :key",
        4: f"t.key > :key AND {_STARTS}",
        3: f"{primary} AND NOT {_STARTS}",
        2: f"{exact} AND NOT {primary} AND NOT {_STARTS}",
        1: f"{typo} AND NOT {exact}",
    }


def _tier(kind: Kind, condition: str) -> TextClause:
    return text(
        f"SELECT t.{kind.id_column}, t.key FROM {kind.table} t WHERE {condition} "  # noqa: S608  # nosec B608
        f"ORDER BY t.key, t.{kind.id_column} LIMIT :n"
    )


def _render(kind: Kind, postgres: bool) -> Select[Any]:
    """The answer's columns of the rows whose ids are `:ids` (in no order)."""
    column = {ARTISTS: Artist.id, ALBUMS: Album.id, SONGS: Song.id}[kind]
    chosen = among(column, postgres)
    if kind is ARTISTS:
        return cast(Select[Any], select(*ARTIST_COLUMNS).where(chosen))
    if kind is ALBUMS:
        return (
            select(*ALBUM_COLUMNS, AlbumArtist.id, AlbumArtist.name, SONG_COUNT)
            .join(AlbumArtist, AlbumArtist.id == Album.artist_id)
            .where(chosen)
        )
    query = credits_of(select(*SONG_COLUMNS).join(Album, Album.id == Song.album_id))
    ordered: Select[Any] = query.where(chosen).order_by(Song.id, SongArtist.position)
    return ordered


def _count(kind: Kind, postgres: bool) -> TextClause:
    if postgres:
        return text(
            f"SELECT count(*) FROM {kind.table} "  # noqa: S608  # nosec B608
            "WHERE vector @@ to_tsquery('simple', CAST(:any AS TEXT))"
        )
    fts = f"{kind.table}_fts"
    return text(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :any")  # noqa: S608  # nosec B608


_TIERS = {
    (name, pg): [(tier, _tier(kind, where)) for tier, where in _conditions(kind, pg).items()]
    for name, kind in KINDS.items()
    for pg in (True, False)
}
_RENDERS = {(name, pg): _render(kind, pg) for name, kind in KINDS.items() for pg in (True, False)}
_COUNTS = {(name, pg): _count(kind, pg) for name, kind in KINDS.items() for pg in (True, False)}
_WORDS = {
    postgres: text(
        f"SELECT word, fields, false FROM search_words WHERE word {among} UNION ALL "  # noqa: S608  # nosec B608
        "SELECT * FROM (SELECT word, fields, true FROM search_words WHERE word >= :last "
        "AND word < :last_next ORDER BY word LIMIT :room) AS completions"
    )
    for postgres, among in (
        (True, "= ANY(:words)"),
        (False, "IN (SELECT value FROM json_each(:words))"),
    )
}


async def resolve(db: ReadDatabase, query: SearchQuery) -> SearchQuery:
    """The query, knowing which of its words (and their typos) are indexed words and which
    indexed words its last word starts, in one statement."""
    lookups = query.typo_lookups()
    asked = sorted(set(query.words).union(*lookups.values()))
    postgres = db.dialect == "postgresql"
    last = query.words[-1]
    params = {
        "words": asked if postgres else json.dumps(asked),
        "last": last,
        "last_next": last + KEY_END,
        "room": COMPLETIONS_MAX + 1,
    }
    rows = await db.fetch(_WORDS[postgres], params)
    known = {row[0]: int(row[1]) for row in rows if not row[2]}
    completions: list[tuple[str, int]] | None = [(row[0], int(row[1])) for row in rows if row[2]]
    if completions is not None and len(completions) > COMPLETIONS_MAX:
        completions = None
    return query.resolved(lookups, known, completions)


def _params(kind: Kind, query: SearchQuery, postgres: bool) -> dict[str, Any]:
    params = {"key": query.key, "key_next": query.key + KEY_END}
    if postgres:
        return {**params, "any": query.tsquery(), "exact": query.tsquery(typos=False)}
    return {
        **params,
        "any": query.fts(),
        "exact": query.fts(typos=False),
        "primary": query.fts(typos=False, column=kind.primary),
    }


@dataclass(frozen=True, slots=True)
class Hit:
    """A rendered match and its tier, for the ranking across types."""

    tier: int
    item: Data


async def ranked(
    db: ReadDatabase, kind_name: str, query: SearchQuery, wanted: int
) -> list[tuple[uuid.UUID, int]]:
    """The ids of the first `wanted` matches of one type, best first, with their tiers."""
    kind, postgres = KINDS[kind_name], db.dialect == "postgresql"
    params = _params(kind, query, postgres)
    typos = any(query.typos)
    found: list[tuple[uuid.UUID, int]] = []
    in_name = query.in_every_word(FIELD_BITS[kind.table, kind.primary])
    in_row = query.in_every_word(_ROW_BITS[kind.table])
    for tier, statement in _TIERS[kind_name, postgres]:
        if (tier >= 3 and not in_name) or (tier == 2 and not in_row):
            continue  # no row holds every word in the fields this tier needs
        if tier == 1 and not typos:
            break
        rows = await db.fetch(statement, {**params, "n": wanted - len(found)})
        found += [(_uuid(row[0]), tier) for row in rows]
        if len(found) >= wanted:
            break
    return found


def _uuid(value: Any) -> uuid.UUID:
    """An id as the engine gives it: a UUID (asyncpg) or SQLite's 32 hex digits."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


async def render(
    db: ReadDatabase, kind_name: str, chosen: Sequence[tuple[uuid.UUID, int]]
) -> list[Hit]:
    """The answers of these matches, in their order."""
    if not chosen:
        return []
    kind, postgres = KINDS[kind_name], db.dialect == "postgresql"
    ids = id_list([row_id for row_id, _ in chosen], postgres)
    rows = await db.fetch(_RENDERS[kind_name, postgres], {"ids": ids})
    if kind is ARTISTS:
        items = [artist_data(row) for row in rows]
    elif kind is ALBUMS:
        width = len(ALBUM_COLUMNS)
        items = [album_data(row, (row[width], row[width + 1]), int(row[width + 2])) for row in rows]
    else:
        items = fold_songs(rows)
    by_id = {item["id"]: item for item in items}
    return [Hit(tier, by_id[row_id]) for row_id, tier in chosen if row_id in by_id]


async def count(db: ReadDatabase, kind_name: str, query: SearchQuery) -> int:
    kind, postgres = KINDS[kind_name], db.dialect == "postgresql"
    rows = await db.fetch(
        _COUNTS[kind_name, postgres], {"any": _params(kind, query, postgres)["any"]}
    )
    return int(rows[0][0])
