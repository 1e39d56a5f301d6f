"""The demo catalog: deterministic, realistic-looking artists, albums and songs, written in bulk.

One `random.Random(seed)`, consumed in a fixed order, decides every row, ids included, so the
same plan gives the same catalog (only the timestamps follow `now`). PostgreSQL gets COPY through
asyncpg and SQLite executemany, both in chunks so that memory stays bounded at any size; the
search rows are written from the loaded catalog afterwards (`search_index.rebuild`).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import string
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, exists, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from spotify_api.catalog import search_index
from spotify_api.catalog import seed_words as words
from spotify_api.catalog.models import ALBUM_TYPES
from spotify_api.core.db import Base

MAX_SONGS = 5_000_000
MAX_ALBUMS_PER_ARTIST = 1_000
MAX_SONGS_PER_ALBUM = 500
SONGS_PER_ALBUM = 12
ALBUMS_PER_ARTIST = 4
DEFAULT_SONGS = 10_000
CHUNK_ROWS = 50_000
REBUILD_FROM_SONGS = 100_000
FEATURED_SHARE = 0.15
EXPLICIT_SHARE = 0.10
SECOND_DISC_SHARE = 0.35
SECOND_DISC_MIN_TRACKS = 16
ALBUM_TYPE_WEIGHTS = (76, 17, 7)  # album, single, compilation
TRACK_WEIGHTS = {"album": (8, 16), "single": (1, 3), "compilation": (14, 24)}
FIRST_DAY = date(1960, 1, 1).toordinal()
LAST_DAY = date(2025, 12, 31).toordinal()
CATALOG_SPAN = timedelta(days=365)  # created_at runs over the year before `now`
DB_TIMEOUT_SECONDS = 3600.0
IMAGES = "https://images.example.com"

SEARCH_TABLES = ("artist_search", "album_search", "song_search", "search_words")

Row = tuple[Any, ...]
Write = Callable[[str, Sequence[Row]], Awaitable[None]]

COLUMNS = {
    "artists": ("id", "name", "genres", "image_url", "created_at", "updated_at"),
    "albums": (
        "id", "title", "artist_id", "album_type", "release_date", "cover_url", "created_at",
        "updated_at",
    ),
    "songs": (
        "id", "title", "album_id", "duration_ms", "track_number", "disc_number", "explicit",
        "isrc", "created_at", "updated_at",
    ),
    "song_artists": ("song_id", "position", "artist_id"),
}  # fmt: skip


class PlanError(ValueError):
    """Counts that make no catalog; the message names the option to fix."""


class CatalogNotEmptyError(Exception):
    """The demo catalog only fills an empty catalog."""


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """How many rows to write, and the seed that decides what they are."""

    artists: int
    albums: int
    songs: int
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.artists <= self.albums <= self.songs <= MAX_SONGS:
            raise PlanError(f"need 1 <= artists <= albums <= songs <= {MAX_SONGS:,}: {self}")


@dataclass(frozen=True, slots=True)
class SeedSummary:
    artists: int
    albums: int
    songs: int
    credits: int


DEMO_PLAN = SeedPlan(artists=24, albums=72, songs=720, seed=1960)
"""What `serve` puts into an empty embedded database, so that a newcomer sees data at once."""


def plan_for(
    songs: int | None = None,
    artists: int | None = None,
    albums_per_artist: int | None = None,
    songs_per_album: int | None = None,
    seed: int = 0,
) -> SeedPlan:
    """Counts from the CLI's options: `songs` alone picks ~12 songs an album, ~4 albums an
    artist; any option given explicitly wins."""
    limits = (
        ("songs", songs, MAX_SONGS),
        ("artists", artists, MAX_SONGS),
        ("albums-per-artist", albums_per_artist, MAX_ALBUMS_PER_ARTIST),
        ("songs-per-album", songs_per_album, MAX_SONGS_PER_ALBUM),
    )
    for name, value, maximum in limits:
        if value is not None and not 1 <= value <= maximum:
            raise PlanError(f"--{name} must be between 1 and {maximum:,}, not {value:,}")
    given = (artists, albums_per_artist, songs_per_album)
    if songs is not None and all(given) and math.prod(count or 0 for count in given) != songs:
        raise PlanError("--songs disagrees with the other three counts: leave one out")
    per_album = songs_per_album or SONGS_PER_ALBUM
    per_artist = albums_per_artist or ALBUMS_PER_ARTIST
    if songs is None:
        songs = DEFAULT_SONGS if artists is None else artists * per_artist * per_album
        if songs > MAX_SONGS:
            raise PlanError(f"that makes {songs:,} songs; at most {MAX_SONGS:,}")
    if artists is not None and albums_per_artist is not None:
        albums = artists * albums_per_artist
    else:
        albums = max(math.ceil(songs / per_album), artists or 1)
    if artists is None:
        artists = math.ceil(albums / per_artist)
    if albums > songs:
        raise PlanError(
            f"{songs:,} songs cannot fill {albums:,} albums of {artists:,} artists "
            "(every artist needs an album, every album a song)"
        )
    return SeedPlan(artists=artists, albums=albums, songs=songs, seed=seed)


async def catalog_is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return await _is_empty(connection)


async def seed_demo(
    engine: AsyncEngine,
    plan: SeedPlan,
    *,
    now: datetime | None = None,
    rebuild: bool | None = None,
) -> SeedSummary:
    """Fill an empty catalog in one transaction: all of the plan, or nothing.

    Raises CatalogNotEmptyError if any artist exists. `now` anchors the timestamps. On
    PostgreSQL, `rebuild` (by default: for REBUILD_FROM_SONGS songs or more) drops the catalog's
    secondary indexes and foreign keys for the load and makes them again afterwards, which is
    several times faster than keeping them up row by row, but holds the catalog tables
    exclusively until the load commits.
    """
    now = now or datetime.now(UTC)
    if engine.dialect.name != "postgresql":
        async with engine.begin() as connection:
            await _ensure_empty(connection)

            async def insert_rows(table: str, rows: Sequence[Row]) -> None:
                columns = COLUMNS[table]
                values = [dict(zip(columns, row, strict=True)) for row in rows]
                await connection.execute(insert(_table(table)), values)

            summary = await _write_catalog(_Generator(plan, now, list), insert_rows)
            await connection.run_sync(search_index.rebuild)
            return summary

    async with engine.begin() as connection:
        # A big seed outlasts the service's short statement time-out; a second seeder waits.
        await connection.execute(text("SET LOCAL statement_timeout = 0"))
        await connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        await connection.execute(text("LOCK TABLE artists IN SHARE ROW EXCLUSIVE MODE"))
        await _ensure_empty(connection)
        driver = await _driver(connection)
        remake: list[str] = []
        if plan.songs >= REBUILD_FROM_SONGS if rebuild is None else rebuild:
            remake = await _drop_for_load(connection, driver)

        async def copy_rows(table: str, rows: Sequence[Row]) -> None:
            await driver.copy_records_to_table(
                table, records=rows, columns=COLUMNS[table], timeout=DB_TIMEOUT_SECONDS
            )

        # asyncpg takes JSONB as its text.
        summary = await _write_catalog(_Generator(plan, now, json.dumps), copy_rows)
        for statement in remake:
            await driver.execute(statement, timeout=DB_TIMEOUT_SECONDS)
        await connection.run_sync(search_index.rebuild)
    async with engine.begin() as connection:
        await connection.execute(text("SET LOCAL statement_timeout = 0"))
        await (await _driver(connection)).execute(
            f"ANALYZE {', '.join((*COLUMNS, *SEARCH_TABLES))}", timeout=DB_TIMEOUT_SECONDS
        )
    return summary


async def _ensure_empty(connection: AsyncConnection) -> None:
    if not await _is_empty(connection):
        raise CatalogNotEmptyError("the catalog is not empty: seeding needs an empty one")


# The catalog tables' foreign keys and plain (not unique) indexes: how to drop, how to remake.
DROPPABLE = """
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
              pg_get_constraintdef(oid))
FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))
UNION ALL
SELECT format('DROP INDEX %s', indexrelid::regclass), pg_get_indexdef(indexrelid)
FROM pg_index
WHERE indrelid = ANY(CAST(:tables AS regclass[])) AND NOT indisunique AND NOT indisexclusion
"""


async def _drop_for_load(connection: AsyncConnection, driver: Any) -> list[str]:
    """Drops what a bulk load is faster without; returns the statements that make it again."""
    found = (await connection.execute(text(DROPPABLE), {"tables": list(COLUMNS)})).all()
    for drop, _ in found:
        await driver.execute(drop, timeout=DB_TIMEOUT_SECONDS)
    # Indexes first, then the foreign keys, whose validation is one join per key.
    return sorted((remake for _, remake in found), key=lambda sql: sql.startswith("ALTER"))


async def _is_empty(connection: AsyncConnection) -> bool:
    found = await connection.scalar(select(exists().select_from(_table("artists"))))
    return not found


async def _driver(connection: AsyncConnection) -> Any:
    """The asyncpg connection under SQLAlchemy's, inside the same transaction."""
    raw = await connection.get_raw_connection()
    return raw.driver_connection


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


async def _write_catalog(generator: _Generator, write: Write) -> SeedSummary:
    """Writes chunk after chunk, making the next one in a thread while the database takes one."""
    written = dict.fromkeys(COLUMNS, 0)
    chunks = _chunks(generator)
    upcoming = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
    try:
        while (chunk := await upcoming) is not None:
            upcoming = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
            for table, rows in chunk:
                await write(table, rows)
                written[table] += len(rows)
    finally:
        await asyncio.gather(upcoming, return_exceptions=True)  # no thread left behind
    return SeedSummary(
        artists=written["artists"],
        albums=written["albums"],
        songs=written["songs"],
        credits=written["song_artists"],
    )


def _chunks(generator: _Generator) -> Iterator[list[tuple[str, list[Row]]]]:
    """The rows in chunks of about CHUNK_ROWS, parents first: every chunk refers only to rows
    of its own or earlier chunks."""
    artists: list[Row] = []
    for row in generator.artists():
        artists.append(row)
        if len(artists) >= CHUNK_ROWS:
            yield [("artists", artists)]
            artists = []
    if artists:
        yield [("artists", artists)]
    albums: list[Row] = []
    songs: list[Row] = []
    credits: list[Row] = []
    for album, album_songs, album_credits in generator.albums():
        albums.append(album)
        songs += album_songs
        credits += album_credits
        if len(songs) >= CHUNK_ROWS:
            yield [("albums", albums), ("songs", songs), ("song_artists", credits)]
            albums, songs, credits = [], [], []
    if albums:
        yield [("albums", albums), ("songs", songs), ("song_artists", credits)]


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split into len(weights) parts in proportion to the weights, each at least 1."""
    spare, whole = total - len(weights), sum(weights)
    parts = [1 + weight * spare // whole for weight in weights]
    # The largest remainders get one more each (ties: the earlier part, as sorting is stable).
    by_remainder = sorted(range(len(weights)), key=lambda i: -(weights[i] * spare % whole))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


class _Generator:
    """The catalog's rows, in the order that they are written."""

    def __init__(self, plan: SeedPlan, now: datetime, genres: Callable[[list[str]], Any]):
        self.plan = plan
        self.rng = random.Random(plan.seed)  # noqa: S311 - demo data, not secrets
        self.encode_genres = genres
        self.start = now.astimezone(UTC) - CATALOG_SPAN
        self.slot = CATALOG_SPAN / plan.artists  # each artist's share of the timeline
        self.artist_ids: list[uuid.UUID] = []
        self.artist_names: list[str] = []

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def artists(self) -> Iterator[Row]:
        rng, choice = self.rng, self.rng.choice
        for index in range(self.plan.artists):
            artist_id = self._id()
            name = choice(words.ARTIST_FORMS)(choice)
            self.artist_ids.append(artist_id)
            self.artist_names.append(name)
            genres = rng.sample(words.GENRES, 1 + (rng.random() < 0.45) + (rng.random() < 0.2))
            created = self.start + index * self.slot
            image = f"{IMAGES}/artists/{artist_id}.jpg"
            yield artist_id, name, self.encode_genres(genres), image, created, created

    def _layout(self) -> tuple[list[int], list[str], list[int]]:
        """Albums per artist, each album's type and its number of songs: the plan's totals
        exactly, spread unevenly (a single has a few songs, a compilation many)."""
        rng, plan = self.rng, self.plan
        per_artist = _apportion(plan.albums, [rng.randint(1, 4) for _ in range(plan.artists)])
        types = rng.choices(ALBUM_TYPES, weights=ALBUM_TYPE_WEIGHTS, k=plan.albums)
        tracks = _apportion(plan.songs, [rng.randint(*TRACK_WEIGHTS[kind]) for kind in types])
        return per_artist, types, tracks

    def albums(self) -> Iterator[tuple[Row, list[Row], list[Row]]]:
        """Each album with its songs and their credits."""
        per_artist, types, tracks = self._layout()
        rng, choice = self.rng, self.rng.choice
        album_index = 0
        for artist_index, album_count in enumerate(per_artist):
            artist_id = self.artist_ids[artist_index]
            registrant = choice(words.ISRC_COUNTRIES) + "".join(
                rng.choices(string.ascii_uppercase, k=3)
            )
            debut = rng.randint(FIRST_DAY, LAST_DAY - 3 * 365)
            days = sorted(
                rng.randint(debut, min(LAST_DAY, debut + 30 * 365)) for _ in range(album_count)
            )
            artist_created = self.start + artist_index * self.slot
            designation = 0
            for ordinal, day in enumerate(days):
                album_id = self._id()
                kind, count = types[album_index], tracks[album_index]
                album_index += 1
                released = date.fromordinal(day)
                created = artist_created + self.slot * (ordinal + 1) / (album_count + 1)
                isrc = f"{registrant}{released.year % 100:02d}"
                songs, credits = self._songs(
                    album_id, artist_index, count, created, isrc, designation
                )
                designation += count
                if kind == "single":
                    title = songs[0][1]  # a single is named after its lead song
                elif kind == "compilation":
                    artist = self.artist_names[artist_index]
                    title = choice(words.COMPILATION_FORMS)(choice, artist)
                else:
                    title = choice(words.ALBUM_FORMS)(choice)
                cover = f"{IMAGES}/albums/{album_id}.jpg"
                album = (album_id, title, artist_id, kind, released, cover, created, created)
                yield album, songs, credits

    def _songs(
        self,
        album_id: uuid.UUID,
        artist_index: int,
        count: int,
        created: datetime,
        isrc: str,
        designation: int,
    ) -> tuple[list[Row], list[Row]]:
        """An album's songs, tracks 1..n (two discs for some long albums), and their credits:
        the album's artist first, and for some songs a featured artist."""
        random_, choice, new_id = self.rng.random, self.rng.choice, self._id
        triangular, titles = self.rng.triangular, words.SONG_FORMS
        ids, others = self.artist_ids, len(self.artist_ids) - 1
        artist_id = ids[artist_index]
        first_disc = count
        if count >= SECOND_DISC_MIN_TRACKS and random_() < SECOND_DISC_SHARE:
            first_disc = (count + 1) // 2
        songs: list[Row] = []
        credits: list[Row] = []
        for index in range(count):
            song_id = new_id()
            disc, track = (1, index + 1) if index < first_disc else (2, index + 1 - first_disc)
            code = f"{isrc}{(designation + index + 1) % 100_000:05d}"
            at = created + timedelta(milliseconds=index + 1)
            duration = int(triangular(90_000, 420_000, 200_000))
            explicit = random_() < EXPLICIT_SHARE
            title = choice(titles)(choice)
            songs.append((song_id, title, album_id, duration, track, disc, explicit, code, at, at))
            credits.append((song_id, 0, artist_id))
            if others and random_() < FEATURED_SHARE:
                other = int(random_() * others)
                credits.append((song_id, 1, ids[other + (other >= artist_index)]))
        return songs, credits
