"""Load benchmark of the catalog's public reads, each against a bare FastAPI endpoint, and of
playlist changes and pages on a playlist of 10 items and one of 10,000; and, for issue 12, the
same requests on today's code (--today REV, default d5376b5: that commit's `spotify-api serve`
from a temporary git worktree), on the floor (bench/floor/: one query each) and on the
sync Flask peer (bench/flask_peer.py), as ratios measured in one run.

    .venv/bin/python bench/catalog.py --songs 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_catalog \\
        --redis-url redis://127.0.0.1:6379/12

It drops and re-creates the database (unless --reuse finds it seeded with --songs songs), runs
`spotify-api migrate` and `spotify-api seed-demo`, serves the app with `spotify-api serve` and
the baseline (bench/bare_app.py) and the floor with the same uvicorn settings and the Flask peer
under gunicorn, registers a benchmark user with three playlists, checks that every reference
answers what the service answers, then drives each case with wrk over loopback for a fixed time
and prints Markdown tables, also written to bench/results-DATE.md (and the figures to
results-DATE.json). Everything it starts is stopped when it ends, on Ctrl-C and on errors, and
today's worktree removed; the benchmark user is deleted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import redis
from harness import (
    baseline,
    bodies,
    library,
    playlist_changes,
    playlists,
    search,
    today,
    workers,
)
from harness.catalog_reads import (
    DEEP_PAGES,
    PAGE_LIMIT,
    SEARCH,
    UNCACHED_IDS,
    Catalog,
    bare_page,
    bare_song,
    explore,
    scenarios,
    song_bytes,
    very_deep_items,
)
from harness.common import BENCH_DIR, GROUPS, LOOPBACK_NAMES, ROOT, BenchError, Options
from harness.database import (
    CATALOG_TABLES,
    DATABASE_NAME,
    catalog_ids,
    dsn,
    postgres_version,
    prepare_database,
)
from harness.load import Bench, Scenario, Wrk
from harness.report import Context, git_commit, machine, report
from harness.servers import (
    Processes,
    Server,
    start_bare,
    start_flask,
    start_floor,
    start_service,
)
from sqlalchemy.engine import make_url


def parse_options(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/catalog.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--songs", type=int, required=True, help="songs in the demo catalog")
    parser.add_argument(
        "--database-url",
        required=True,
        help="postgresql://…/DB on this host; DB is DROPPED and re-created, and its name must "
        "contain 'bench'",
    )
    parser.add_argument("--redis-url", required=True, help="redis://…/N on this host; FLUSHED")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each run")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database if it already holds exactly --songs songs",
    )
    parser.add_argument(
        "--output-dir", type=Path, default=BENCH_DIR, help="where results-DATE.md goes"
    )
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"the parts to run, comma-separated, of {', '.join(GROUPS)} (default: all)",
    )
    parser.add_argument(
        "--today",
        default=today.DEFAULT_REV,
        help="the git revision of today's code, served beside the service for the ×3 and ×4 "
        f"targets, or 'none' for --baseline (default: {today.DEFAULT_REV}, the commit before "
        "issue 12's work)",
    )
    parser.add_argument(
        "--baseline",
        default=None,
        help="with --today none: the results-….json of today's service, or 'none' "
        f"(default: {baseline.DEFAULT_BASELINE.relative_to(BENCH_DIR.parent)})",
    )
    args = parser.parse_args(argv)
    only = frozenset(part.strip() for part in args.only.split(",") if part.strip())
    if not only or only - set(GROUPS):
        parser.error(f"--only takes some of {', '.join(GROUPS)}")
    today_commit, baseline_path = None, None
    if args.today != "none":
        if args.baseline is not None:
            parser.error("--baseline is what --today none falls back on: give one of them")
        revision = today.resolve(args.today)
        if revision is None:
            parser.error(f"--today {args.today}: no such commit here (or --today none)")
        today_commit = revision.commit
    elif args.baseline is None:  # the committed one, if it is there; else report without
        exists = baseline.DEFAULT_BASELINE.exists()
        baseline_path = baseline.DEFAULT_BASELINE if exists else None
    elif args.baseline != "none":
        baseline_path = Path(args.baseline)
        if not baseline_path.exists():
            parser.error(f"--baseline {baseline_path}: no such file")
    for name in ("songs", "duration", "connections", "threads", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    if args.songs < PAGE_LIMIT * (DEEP_PAGES + 1):
        parser.error(
            f"--songs must be at least {PAGE_LIMIT * (DEEP_PAGES + 1):,} for the deep page"
        )
    database = make_url(args.database_url)
    if database.get_backend_name() not in ("postgresql", "postgres"):
        parser.error("--database-url must be a postgresql:// URL")
    if (database.host or "localhost") not in LOOPBACK_NAMES:
        parser.error("--database-url must point at this host")
    if not database.database or not DATABASE_NAME.fullmatch(database.database):
        parser.error("--database-url needs a database name of [a-z0-9_]")
    if "bench" not in database.database:
        parser.error("the database is dropped: its name must contain 'bench'")
    if (urlsplit(args.redis_url).hostname or "localhost") not in LOOPBACK_NAMES:
        parser.error("--redis-url must point at this host")
    return Options(
        songs=args.songs,
        database=database.set(drivername="postgresql"),
        redis_url=args.redis_url,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        reuse=args.reuse,
        output_dir=args.output_dir,
        only=only,
        today=today_commit,
        baseline=baseline_path,
    )


def _plan(
    options: Options,
    catalog: Catalog | None,
    lists: playlists.Playlists | None,
    searches: search.Searches | None,
    song_size: int,
    shelf: library.Library | None = None,
    song_path: str | None = None,
) -> list[Scenario]:
    """The cases of the parts --only selects, with the bare cases they are compared with (and
    today's twins of the service's cases, with --today)."""
    full = scenarios(catalog) if catalog is not None else [bare_song(song_size)]
    if searches is not None:
        if catalog is None:
            full.append(bare_page(searches.sizes["s1"]))
        full += search.scenarios(searches)
    if lists is not None:
        full += playlists.token_reads(lists) + playlists.reads(lists)
        full += playlist_changes.scenarios(lists, options.database)
    if shelf is not None:
        full += library.scenarios(shelf)
    if song_path is not None:
        full += workers.scenarios(song_path, song_size)
    if options.today is not None:
        full += today.scenarios(full)
    plan = [scenario for scenario in full if scenario.group in options.only]
    needed = {scenario.baseline for scenario in plan} - {scenario.key for scenario in plan}
    plan = [scenario for scenario in full if scenario.key in needed] + plan
    # Each reference right after its service case: on a busy machine, what is compared is
    # measured as close together as it can be.
    ordered: list[Scenario] = []
    for scenario in (scenario for scenario in plan if scenario.twin is None):
        ordered += [scenario, *(other for other in plan if other.twin == scenario.key)]
    return ordered


def benchmark(
    options: Options, log_dir: Path, processes: Processes, trees: today.Worktrees
) -> tuple[str, str]:
    """The report, and the figures as JSON."""
    wrk = Wrk(options, log_dir)
    env = {
        **os.environ,
        # Every command and server imports this tree's code (the venv's editable install may
        # point at another checkout); today's server replaces it with its own tree's.
        "PYTHONPATH": str(ROOT / "src"),
        "DATABASE_URL": dsn(options.database),
        "REDIS_URL": options.redis_url,
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": secrets.token_urlsafe(32),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if options.workers > 1:  # the cache counters of all workers, as the README says
        metrics_dir = log_dir / "metrics"
        metrics_dir.mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    # Today's cases are catalog and playlist cases: only those parts need its tree.
    wants_today = options.today is not None and bool(options.only & {"catalog", "playlists"})
    revision = today.resolve(options.today) if wants_today and options.today else None
    today_tree = None
    if revision is not None:
        today_tree = trees.add(revision)
        today.check_schema(today_tree)
        print(f"today's code: {revision.short} {revision.subject}, in {today_tree}")
    figures = baseline.load(options.baseline) if options.baseline is not None else None

    load_start = os.getloadavg()[0]
    cache_redis = redis.Redis.from_url(options.redis_url, socket_timeout=10)
    try:
        cache_redis.flushdb()
        seed_seconds = prepare_database(options, env, log_dir)

        service = start_service(processes, options.workers, env, log_dir)
        log = processes.log_of("service")
        catalog = explore(service.url, options.songs) if "catalog" in options.only else None
        searches = search.explore(service.url) if "search" in options.only else None
        ids = {
            table: asyncio.run(catalog_ids(options.database, table, UNCACHED_IDS))
            for table in CATALOG_TABLES
        }
        for table, listed in ids.items():
            wrk.write_ids(table, listed)
        if catalog is not None:
            print(
                f"bodies: a song {catalog.song_bytes:,} B, a page {catalog.page_bytes:,} B, "
                f"the deep pages {catalog.deep_bytes:,} and {catalog.very_deep_bytes:,} B, "
                f"q={SEARCH} {catalog.search_bytes:,} B ({catalog.search_total:,} songs), "
                f"an album {catalog.album_bytes:,} B, an artist {catalog.artist_bytes:,} B"
            )

        wants_lists = bool(options.only & {"playlists", "token"})
        lists = (
            playlists.prepare(service.url, options.database, ids["songs"]) if wants_lists else None
        )
        shelf = None
        try:
            if "library" in options.only:
                shelf = library.prepare(service.url, options.database, ids["songs"])
            servers: dict[str, Server] = {"service": service}
            song_size = catalog.song_bytes if catalog else song_bytes(service.url)
            sizes = [("bare-song", song_size)]
            if catalog is not None:
                sizes.append(("bare-page", catalog.page_bytes))
            elif searches is not None:
                sizes.append(("bare-page", searches.sizes["s1"]))
            for name, size in sizes:
                servers[name] = start_bare(processes, name, size, options.workers, env)
            user_id = lists.user_id if lists else None
            servers["floor"] = start_floor(processes, options.workers, env, user_id)
            song_path = None
            if "workers" in options.only:  # the same service on two workers, beside it
                metrics_dir = log_dir / "metrics-w2"
                metrics_dir.mkdir()
                two = {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
                name = workers.SERVER
                servers[name] = start_service(processes, 2, two, log_dir, name=name)
                song_path = f"/songs/{ids['songs'][0]}"
            plan = _plan(options, catalog, lists, searches, song_size, shelf, song_path)
            if any(scenario.server == "flask" for scenario in plan):
                servers["flask"] = start_flask(processes, env, log_dir)
            if today_tree is not None and any(scenario.server == "today" for scenario in plan):
                servers["today"] = start_service(
                    processes, options.workers, env, log_dir, name="today", src=today_tree / "src"
                )
            bodies.check_reads(plan, servers, ids)
            if lists is not None:
                bodies.check_changes(plan, servers, lists, options.database)

            bench = Bench(options, wrk, servers, cache_redis)
            load_before = os.getloadavg()[0]
            runs = {scenario.key: bench.measure(scenario) for scenario in plan}
            load_after = os.getloadavg()[0]
            if lists is not None:
                playlists.check(lists, options.database)
        finally:
            playlists.cleanup(options.database)
            library.cleanup(options.database)
        trips = log.read_text(errors="replace").count("response cache unavailable")
        if trips:
            print(f"warning: the service skipped Redis {trips} time(s) (see {log})")
        context = Context(
            songs=options.songs,
            seed_seconds=seed_seconds,
            search_total=catalog.search_total if catalog else 0,
            workers=options.workers,
            connections=options.connections,
            threads=options.threads,
            duration=options.duration,
            warmup=options.warmup,
            versions=(
                f"Python {sys.version.split()[0]}, PostgreSQL "
                f"{asyncio.run(postgres_version(options.database))}, Redis "
                f"{cache_redis.info('server')['redis_version']}, wrk {wrk.version()}"
            ),
            commit=git_commit(),
            today=revision.note if revision is not None else None,
            machine=machine(),
            very_deep=catalog.very_deep if catalog else very_deep_items(options.songs),
            load=(load_start, load_before, load_after),
        )
        note = (
            f"{date.today().isoformat()}, commit {context.commit}, {options.songs:,} songs, "
            f"{options.duration} s runs, load average {load_before:.2f} → {load_after:.2f}"
        )
        return report(context, plan, runs, figures, searches), baseline.dumps(note, plan, runs)
    finally:
        cache_redis.close()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # stop the servers on `kill` as on Ctrl-C
    log_dir = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    print(f"logs in {log_dir}")
    processes = Processes(log_dir)
    trees = today.Worktrees()
    try:
        table, figures = benchmark(options, log_dir, processes, trees)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip this
        processes.stop_all()
        trees.remove_all()  # after the servers that ran from them
        signal.signal(signal.SIGINT, signal.default_int_handler)
    output = options.output_dir / f"results-{date.today().isoformat()}.md"
    output.write_text(table)
    output.with_suffix(".json").write_text(figures)
    print("\n" + table)
    print(f"written to {output} (and the figures to {output.with_suffix('.json').name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
