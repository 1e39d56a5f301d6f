"""The demo catalog: exact counts, consistent rows, determinism, and the CLI around it."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Row, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from spotify_api.catalog import seed
from spotify_api.catalog.models import ALBUM_TYPES, Album, Artist, Song, SongArtist
from spotify_api.catalog.seed import (
    CatalogNotEmptyError,
    PlanError,
    SeedPlan,
    catalog_is_empty,
    plan_for,
    seed_demo,
)
from spotify_api.cli import main

PLAN = SeedPlan(artists=6, albums=20, songs=400, seed=11)  # ~20 songs an album: some 2 discs
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
TABLES = (Artist.__table__, Album.__table__, Song.__table__, SongArtist.__table__)


@pytest.fixture
def engine(app: FastAPI) -> AsyncEngine:
    engine: AsyncEngine = app.state.engine
    return engine


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: (await connection.scalar(select(func.count()).select_from(table))) or 0
            for table in TABLES
        }


async def everything(engine: AsyncEngine) -> dict[str, list[Row[Any]]]:
    async with engine.connect() as connection:
        return {
            table.name: list(
                await connection.execute(select(table).order_by(*table.primary_key.columns))
            )
            for table in TABLES
        }


async def empty_catalog(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(TABLES):
            await connection.execute(table.delete())


async def test_a_plan_writes_exactly_its_counts(engine: AsyncEngine) -> None:
    assert await catalog_is_empty(engine)
    summary = await seed_demo(engine, PLAN, now=NOW)
    written = await counts(engine)
    assert (summary.artists, summary.albums, summary.songs) == (6, 20, 400)
    assert written == {"artists": 6, "albums": 20, "songs": 400, "song_artists": summary.credits}
    assert 400 < summary.credits < 400 * 1.5  # some songs feature a second artist
    assert not await catalog_is_empty(engine)


async def test_the_rows_are_consistent(engine: AsyncEngine) -> None:
    await seed_demo(engine, PLAN, now=NOW)
    rows = await everything(engine)
    albums = {album.id: album for album in rows["albums"]}
    tracks: dict[tuple[Any, int], list[int]] = defaultdict(list)
    for song in rows["songs"]:
        tracks[song.album_id, song.disc_number].append(song.track_number)
        assert 90_000 <= song.duration_ms <= 7 * 60_000
        assert song.isrc is not None
        assert len(song.isrc) == 12
        assert song.created_at.tzinfo is not None
        assert song.created_at > albums[song.album_id].created_at
    for (_, disc), numbers in tracks.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), "tracks 1..n, no gaps"
        assert disc in (1, 2)
    assert any(disc == 2 for _, disc in tracks), "long albums sometimes have a second disc"

    credits: dict[Any, dict[int, Any]] = defaultdict(dict)
    for credit in rows["song_artists"]:
        credits[credit.song_id][credit.position] = credit.artist_id
    for song in rows["songs"]:
        song_credits = credits[song.id]
        assert song_credits[0] == albums[song.album_id].artist_id
        assert set(song_credits) <= {0, 1}
        assert song_credits.get(1) != song_credits[0]

    artists = {artist.id: artist for artist in rows["artists"]}
    for artist in artists.values():
        assert 1 <= len(artist.genres) <= 3
        assert artist.image_url == f"https://images.example.com/artists/{artist.id}.jpg"
        assert artist.created_at <= NOW
    for album in albums.values():
        assert album.album_type in ALBUM_TYPES
        assert date(1960, 1, 1) <= album.release_date <= date(2025, 12, 31)
        assert album.created_at > artists[album.artist_id].created_at
        assert album.cover_url == f"https://images.example.com/albums/{album.id}.jpg"
    assert {album.artist_id for album in albums.values()} == set(artists), "everyone has one"


async def test_the_same_plan_gives_the_same_rows(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_demo(engine, PLAN, now=NOW)
    first = await everything(engine)
    await empty_catalog(engine)
    monkeypatch.setattr(seed, "CHUNK_ROWS", 7)  # many chunks: still the same rows
    await seed_demo(engine, PLAN, now=NOW)
    assert await everything(engine) == first

    await empty_catalog(engine)
    await seed_demo(engine, SeedPlan(artists=6, albums=20, songs=400, seed=12), now=NOW)
    other = await everything(engine)
    assert {row.id for row in other["songs"]}.isdisjoint(row.id for row in first["songs"])


async def test_it_only_fills_an_empty_catalog(engine: AsyncEngine) -> None:
    await seed_demo(engine, SeedPlan(artists=1, albums=1, songs=1))
    with pytest.raises(CatalogNotEmptyError):
        await seed_demo(engine, PLAN)
    assert await counts(engine) == {"artists": 1, "albums": 1, "songs": 1, "song_artists": 1}


async def test_a_postgres_rebuild_leaves_the_same_indexes_and_keys(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("indexes and foreign keys are only rebuilt on PostgreSQL")
    schema = text(
        "SELECT indexdef FROM pg_indexes WHERE tablename IN :tables "
        "UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text IN :tables ORDER BY 1"
    ).bindparams(bindparam("tables", [table.name for table in TABLES], expanding=True))
    async with engine.connect() as connection:
        before = (await connection.execute(schema)).all()
    assert len(before) > 20
    summary = await seed_demo(engine, PLAN, rebuild=True)
    async with engine.connect() as connection:
        assert (await connection.execute(schema)).all() == before
    assert summary.songs == 400


class TestPlanFor:
    def test_songs_alone_picks_sensible_proportions(self) -> None:
        plan = plan_for(songs=1000)
        assert plan.songs == 1000
        assert 10 <= plan.songs / plan.albums <= 14
        assert 3 <= plan.albums / plan.artists <= 5
        big = plan_for(songs=1_000_000)
        assert 20_000 <= big.artists <= 21_500

    def test_explicit_options_win(self) -> None:
        assert plan_for(artists=10, albums_per_artist=2, songs_per_album=5) == SeedPlan(
            artists=10, albums=20, songs=100
        )
        plan = plan_for(songs=1000, artists=50, seed=3)
        assert (plan.artists, plan.songs, plan.seed) == (50, 1000, 3)
        assert plan_for(songs=600, songs_per_album=20).albums == 30
        assert plan_for(songs=100, artists=40).albums == 40  # each artist gets an album

    @pytest.mark.parametrize(
        "options",
        [
            {"songs": 0},
            {"songs": 5_000_001},
            {"artists": -1},
            {"albums_per_artist": 0},
            {"songs_per_album": 10_000},
            {"artists": 100_000, "albums_per_artist": 100, "songs_per_album": 100},
            {"songs": 10, "artists": 20},
            {"songs": 10, "artists": 2, "albums_per_artist": 2, "songs_per_album": 2},
        ],
    )
    def test_bad_options_are_refused(self, options: dict[str, int]) -> None:
        with pytest.raises(PlanError):
            plan_for(**options)


@pytest.fixture
def cli_env(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", app.state.settings.database_url)
    monkeypatch.setenv("REDIS_URL", app.state.settings.redis_url)


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


@pytest.mark.usefixtures("cli_env")
class TestSeedDemoCommand:
    async def test_it_seeds_and_invalidates_the_catalog_cache(
        self,
        engine: AsyncEngine,
        app: FastAPI,
        raw_redis: Any,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        before = await raw_redis.get("catalog:version")
        argv = ("seed-demo", "--artists", "3", "--albums-per-artist", "2", "--songs-per-album")
        assert await run(*argv, "4", "--seed", "5") == 0
        assert "seeded 3 artists, 6 albums, 24 songs" in capsys.readouterr().out
        assert (await counts(engine))["songs"] == 24
        if not app.state.settings.uses_memory_redis:  # the stand-in is not shared with the CLI
            assert int(await raw_redis.get("catalog:version")) == int(before) + 1

    async def test_it_refuses_a_catalog_that_is_not_empty(
        self, engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
    ) -> None:
        await seed_demo(engine, SeedPlan(artists=1, albums=1, songs=2))
        assert await run("seed-demo", "--songs", "100") == 1
        assert "only fills an empty catalog" in capsys.readouterr().err
        assert (await counts(engine))["songs"] == 2

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (("--songs", "0"), "--songs must be between 1 and 5,000,000"),
            (("--songs", "9000000"), "--songs must be between 1 and 5,000,000"),
            (("--albums-per-artist", "0"), "--albums-per-artist must be"),
            (("--songs", "5", "--artists", "9"), "cannot fill"),
        ],
    )
    async def test_bad_arguments_exit_2(
        self,
        engine: AsyncEngine,
        capsys: pytest.CaptureFixture[str],
        argv: tuple[str, ...],
        message: str,
    ) -> None:
        assert await run("seed-demo", *argv) == 2
        assert message in capsys.readouterr().err
        assert await catalog_is_empty(engine)

    async def test_a_number_that_is_not_one_exits_2(self) -> None:
        with pytest.raises(SystemExit) as exit_:
            await run("seed-demo", "--songs", "lots")
        assert exit_.value.code == 2


async def test_serve_seeds_an_empty_embedded_catalog_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    database = f"sqlite+aiosqlite:///{tmp_path / 'first-run.db'}"
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("REDIS_URL", "memory://")
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    assert await run("serve") == 0
    assert "added a demo catalog of 24 artists, 72 albums, 720 songs" in capsys.readouterr().out
    assert await run("serve") == 0
    assert capsys.readouterr().out == ""  # not empty any more: nothing added

    engine = create_async_engine(database)
    try:
        assert (await counts(engine))["songs"] == 720
    finally:
        await engine.dispose()

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'no-demo.db'}")
    assert await run("serve", "--no-demo") == 0
    assert capsys.readouterr().out == ""
