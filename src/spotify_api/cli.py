"""The `spotify-api` command: serve, migrate, create-admin, seed-demo, openapi."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from spotify_api import cli_admin
from spotify_api.cli_errors import OPERATOR_ERRORS, CommandFailed, describe_operator_error
from spotify_api.settings import Settings

if TYPE_CHECKING:
    from spotify_api.catalog.seed import SeedPlan, SeedSummary
    from spotify_api.core.embedded_redis import Role
    from spotify_api.core.migrations import SchemaState


def _prepare_embedded_database(settings: Settings) -> None:
    """On the embedded default the first run just works: the SQLite file is migrated here
    (unless a newer release migrated it, which this one cannot undo)."""
    if settings.is_sqlite:
        from spotify_api.core.migrations import upgrade

        state = _schema_state(settings)
        if state.current is not None and not state.known:
            raise CommandFailed(state.problem())
        upgrade(settings)


async def _database_revision(settings: Settings) -> str | None:
    from spotify_api.core.db import create_engine
    from spotify_api.core.migrations import database_revision

    engine = create_engine(settings)
    try:
        return await database_revision(engine)
    finally:
        await engine.dispose()


def _schema_state(settings: Settings) -> SchemaState:
    from spotify_api.core.migrations import schema_state, script_directory

    current = asyncio.run(_database_revision(settings))
    return schema_state(script_directory(settings), current)


@contextmanager
def _redis_for(settings: Settings, role: Role) -> Iterator[Settings]:
    """The settings with a Redis to talk to: on the embedded default its server runs meanwhile
    (see core.embedded_redis). `serve` hands its URL on to uvicorn's workers through REDIS_URL."""
    if not settings.uses_embedded_redis:
        yield settings
        return
    from spotify_api.core.embedded_redis import embedded_redis

    if role == "serve":
        # uvicorn re-raises SIGTERM once it has shut down; by default that would end this
        # process before the embedded server is stopped. As an exception, it unwinds to here.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with embedded_redis(settings, role) as url:
        if role == "serve":
            os.environ["REDIS_URL"] = url
        yield settings.model_copy(update={"redis_url": url})


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(0)  # uvicorn has shut down cleanly by then: a stop asked for, not a crash


def serve(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.uses_memory_redis and args.workers > 1:
        print(
            "error: --workers > 1 needs a shared Redis (set REDIS_URL); the in-process "
            "stand-in would give each worker its own sessions.",
            file=sys.stderr,
        )
        return 2
    if args.workers > 1 and "SECRET_KEY" not in os.environ:
        # Workers must agree on the key that signs cursors; one made here is shared by all.
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(32)
    _prepare_embedded_database(settings)
    problem = _schema_state(settings).problem()
    if problem is not None:
        raise CommandFailed(problem)
    with _redis_for(settings, "serve") as settings:
        if settings.is_sqlite and not args.no_demo:
            asyncio.run(_seed_first_run(settings))
        _run_uvicorn(args, settings)
    return 0


def _run_uvicorn(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        "spotify_api.main:create_default_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        **uvicorn_options(settings),
    )


EDGE_PROTOCOL = "spotify_api.core.http_edge:EdgeHttpToolsProtocol"


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How `serve` runs uvicorn, but for the address and the processes.

    The protocol applies the header size, header time-out and connection limits of the
    settings (core.http_edge). X-Forwarded-For and -Proto are believed only from the proxies
    that FORWARDED_ALLOW_IPS lists: uvicorn's default trusts 127.0.0.1, so that anything on
    the host (or a proxy that does not set the headers) could name any client address.
    """
    return {
        "http": EDGE_PROTOCOL,
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_config": None,
        "access_log": False,
        "server_header": False,
    }


def migrate(args: argparse.Namespace) -> int:
    from spotify_api.core.migrations import downgrade, upgrade

    settings = Settings()
    before = asyncio.run(_database_revision(settings)) or "base"
    if args.downgrade:
        downgrade(settings, args.downgrade)
    else:
        upgrade(settings, args.revision)
    after = asyncio.run(_database_revision(settings)) or "base"
    if before == after:
        print(f"already at {after}")
    else:
        print(f"{'downgraded' if args.downgrade else 'upgraded'} {before} -> {after}")
    return 0


def create_admin(args: argparse.Namespace) -> int:
    from spotify_api.cli_admin import create_admin as run

    settings = Settings()
    _prepare_embedded_database(settings)
    return run(args, settings, lambda plain: _redis_for(plain, "command"))


async def _seed_first_run(settings: Settings) -> None:
    """An empty embedded catalog gets a small demo catalog, so that a newcomer sees data."""
    from spotify_api.catalog.seed import DEMO_PLAN, CatalogNotEmptyError, catalog_is_empty
    from spotify_api.catalog.seed import seed_demo as fill
    from spotify_api.core.db import create_engine

    engine = create_engine(settings)
    try:
        if not await catalog_is_empty(engine):
            return
        summary = await fill(engine, DEMO_PLAN)
    except CatalogNotEmptyError:
        return
    finally:
        await engine.dispose()
    await _invalidate_catalog_cache(settings)
    print(
        f"The catalog was empty: added a demo catalog of {_counts(summary)} "
        "(serve --no-demo skips this; seed-demo makes bigger ones)."
    )


def seed_demo(args: argparse.Namespace) -> int:
    from spotify_api.catalog.seed import PlanError, plan_for

    try:
        plan = plan_for(
            args.songs, args.artists, args.albums_per_artist, args.songs_per_album, args.seed
        )
    except PlanError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings = Settings()
    _prepare_embedded_database(settings)
    with _redis_for(settings, "command") as settings:
        return asyncio.run(_seed_demo(settings, plan))


async def _seed_demo(settings: Settings, plan: SeedPlan) -> int:
    from spotify_api.catalog.seed import CatalogNotEmptyError
    from spotify_api.catalog.seed import seed_demo as fill
    from spotify_api.core.db import create_engine

    engine = create_engine(settings)
    started = time.perf_counter()
    try:
        summary = await fill(engine, plan)
    except CatalogNotEmptyError:
        print(
            "error: the catalog already has artists; seed-demo only fills an empty catalog, "
            "and changed nothing.",
            file=sys.stderr,
        )
        return 1
    finally:
        await engine.dispose()
    elapsed = time.perf_counter() - started
    await _invalidate_catalog_cache(settings)
    print(f"seeded {_counts(summary)} in {elapsed:.1f} s (seed {plan.seed})")
    return 0


def _counts(summary: SeedSummary) -> str:
    return (
        f"{summary.artists:,} artists, {summary.albums:,} albums, {summary.songs:,} songs "
        f"and {summary.credits:,} song credits"
    )


async def _invalidate_catalog_cache(settings: Settings) -> None:
    """Cached catalog responses predate the new rows: make them obsolete."""
    from redis.exceptions import RedisError

    from spotify_api.core.cache import invalidate_catalog
    from spotify_api.core.redis import create_redis

    redis = create_redis(settings, url=settings.cache_redis_url)
    try:
        await invalidate_catalog(redis)
    except (RedisError, OSError) as error:
        print(
            f"warning: could not invalidate the catalog cache ({error!r}); cached responses "
            f"may be stale for up to {settings.cache_ttl_seconds} s.",
            file=sys.stderr,
        )
    finally:
        await redis.aclose()


def openapi(args: argparse.Namespace) -> int:
    from spotify_api.main import create_app

    spec = create_app(Settings()).openapi()
    text = json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spotify-api", description=__doc__)
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback when a command fails"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("serve", help="run the HTTP server")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=5000)
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    run.add_argument(
        "--no-demo",
        action="store_true",
        help="on the embedded database, do not add a demo catalog when the catalog is empty",
    )
    run.set_defaults(handler=serve)

    mig = commands.add_parser("migrate", help="upgrade the database schema (or downgrade it)")
    mig.add_argument("--revision", default="head", help="upgrade to this revision")
    mig.add_argument("--downgrade", metavar="REV", help="downgrade to REV (e.g. base, -1)")
    mig.set_defaults(handler=migrate)

    cli_admin.add_parser(commands)
    commands.choices["create-admin"].set_defaults(handler=create_admin)

    seed = commands.add_parser(
        "seed-demo",
        help="fill an empty catalog with a deterministic demo catalog",
        description="Fill an EMPTY catalog with realistic-looking, deterministic demo data. "
        "--songs alone picks ~12 songs an album and ~4 albums an artist; explicit options win.",
    )
    seed.add_argument("--songs", type=int, metavar="N", help="songs in all (default 10,000)")
    seed.add_argument("--artists", type=int, metavar="N")
    seed.add_argument("--albums-per-artist", type=int, metavar="N")
    seed.add_argument("--songs-per-album", type=int, metavar="N")
    seed.add_argument("--seed", type=int, default=0, metavar="S", help="same seed, same rows")
    seed.set_defaults(handler=seed_demo)

    spec = commands.add_parser("openapi", help="print the OpenAPI spec as JSON")
    spec.add_argument("--output", "-o", help="write to this file instead of stdout")
    spec.set_defaults(handler=openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except OPERATOR_ERRORS as error:
        if args.debug or os.environ.get("LOG_LEVEL", "").upper() == "DEBUG":
            raise
        lines = describe_operator_error(error, _settings_or_none())
        if not lines:
            raise
        for line in lines:
            print(f"error: {line}", file=sys.stderr)
        return 1
    return code


def _settings_or_none() -> Settings | None:
    try:
        return Settings()
    except ValidationError:
        return None


if __name__ == "__main__":
    sys.exit(main())
