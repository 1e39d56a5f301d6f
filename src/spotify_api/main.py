"""The application factory: settings in, a wired FastAPI app out."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, AsyncExitStack, asynccontextmanager
from typing import TypeVar

from fastapi import FastAPI
from starlette.middleware import Middleware

from spotify_api import __version__
from spotify_api.auth.router import router as auth_router
from spotify_api.auth.schemas import LoginForm, LoginRequest
from spotify_api.auth.token_fast_path import TokenReadFastPath
from spotify_api.catalog.fast_renders import CATALOG_FAST_RENDERS
from spotify_api.catalog.references import SongReferences
from spotify_api.catalog.router import router as catalog_router
from spotify_api.core.cache_fast_path import CachedReadFastPath
from spotify_api.core.cache_store import start_catalog_version
from spotify_api.core.db import create_engine, create_sessionmaker, read_only
from spotify_api.core.deadline import RequestDeadline
from spotify_api.core.embedded_redis import embedded_redis
from spotify_api.core.errors import install_error_handlers
from spotify_api.core.idempotency_purge import IdempotencyPurge
from spotify_api.core.logging import configure_logging
from spotify_api.core.middleware import (
    BodySizeLimitMiddleware,
    HeadAsGet,
    PrivateByDefault,
    ProblemCORSMiddleware,
    RequestContextMiddleware,
)
from spotify_api.core.migrations import script_directory
from spotify_api.core.openapi import install_openapi
from spotify_api.core.reads import open_reads
from spotify_api.core.redis import create_cache_redis, create_cache_writer_redis, create_redis
from spotify_api.core.routing import install_routing_edges
from spotify_api.core.security import PasswordHasher
from spotify_api.core.transactions import transaction_factory
from spotify_api.library.router import router as library_router
from spotify_api.ops.docs import install_docs
from spotify_api.ops.router import router as ops_router
from spotify_api.playlists.fast_changes import PLAYLIST_CHANGES
from spotify_api.playlists.fast_reads import render_playlist
from spotify_api.playlists.router import router as playlists_router
from spotify_api.playlists.sharing_router import router as sharing_router
from spotify_api.playlists.song_removal import PLAYLISTS_HOLD_SONGS
from spotify_api.settings import Settings
from spotify_api.users.own_account import render_own_account
from spotify_api.users.router import router as users_router

logger = logging.getLogger("spotify_api")
T = TypeVar("T")

DESCRIPTION = """
An async music-catalog backend: accounts with opaque session tokens, a browsable catalog of
artists, albums and songs, user playlists, and scoped admin endpoints to curate the catalog.

Every error is `application/problem+json` with a stable `code` to switch on.
"""

TAGS = [
    {"name": "Accounts", "description": "Registering, logging in and out, your own account."},
    {"name": "Songs", "description": "Browse songs; admins curate them (`catalog:write`)."},
    {"name": "Albums", "description": "Browse albums; admins curate them (`catalog:write`)."},
    {"name": "Artists", "description": "Browse artists; admins curate them (`catalog:write`)."},
    {"name": "Search", "description": "One box that finds artists, albums and songs."},
    {
        "name": "Playlists",
        "description": "Yours, and others' public ones (`playlists:read`, `playlists:write`).",
    },
    {
        "name": "Library",
        "description": (
            "Your saved songs and albums, the artists you follow (`library:read`, `library:write`)."
        ),
    },
    {"name": "Users", "description": "User administration (`users:admin`)."},
    {"name": "Operations", "description": "Health, readiness and metrics."},
]

# Relative: the API is served from the root of the host that serves this document.
SERVERS = [{"url": "/", "description": "The host that serves this document, at its root."}]
LICENSE = {"name": "MIT", "identifier": "MIT"}


def freeze_startup_objects() -> None:
    """Keep the objects made at start-up (modules, the app, its routes and schemas) out of the
    garbage collector's full passes: they live as long as the process. (Not in `create_app`:
    a test suite makes many apps, and frozen objects are never collected.) Without this, each full
    pass walks all of them and stalls the event loop for tens of milliseconds, which every
    request in flight at that moment waits out (the p99 of cached reads was 30x their p50)."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Read the migrations once, here, not on the event loop of the first /ready.
        await asyncio.to_thread(app.state.migrations.get_current_head)
        async with AsyncExitStack() as stack:
            redis_settings = settings
            if settings.uses_embedded_redis:  # served without the CLI, which starts it itself
                url = await _enter_in_thread(stack, embedded_redis(settings, "serve"))
                redis_settings = settings.model_copy(update={"redis_url": url})
            engine = create_engine(settings)
            stack.push_async_callback(engine.dispose)
            app.state.engine = engine
            app.state.sessionmaker = create_sessionmaker(engine)
            app.state.read_engine = read_only(engine)
            app.state.read_sessionmaker = create_sessionmaker(app.state.read_engine)
            app.state.reads = await open_reads(settings, engine)
            stack.push_async_callback(app.state.reads.close)
            app.state.transactions = transaction_factory(
                app.state.reads, app.state.sessionmaker, engine.dialect.name
            )
            app.state.redis = create_redis(redis_settings)
            stack.push_async_callback(app.state.redis.aclose)
            app.state.cache_redis = create_cache_redis(redis_settings, app.state.redis)
            app.state.cache_writer_redis = create_cache_writer_redis(
                redis_settings, app.state.redis
            )
            for client in (app.state.cache_redis, app.state.cache_writer_redis):
                if client is not app.state.redis:
                    stack.push_async_callback(client.aclose)
            await start_catalog_version(app.state.cache_writer_redis)
            purge = IdempotencyPurge(app.state.sessionmaker, lambda: app.state.clock(), settings)
            app.state.idempotency_purge = purge
            purge.start()
            stack.push_async_callback(purge.stop)
            yield

    middleware = [
        Middleware(RequestContextMiddleware),
        Middleware(HeadAsGet),
        Middleware(PrivateByDefault),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                ProblemCORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                allow_headers=[
                    "Authorization",
                    "Content-Type",
                    "If-Match",
                    "If-None-Match",
                    "Idempotency-Key",
                    "X-Request-ID",
                ],
                expose_headers=[
                    "ETag",
                    "Location",
                    "Retry-After",
                    "X-Request-ID",
                    "Idempotent-Replayed",
                ],
                max_age=600,
            )
        )
    middleware.append(Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes))
    middleware.append(
        Middleware(
            RequestDeadline,
            seconds=settings.request_timeout_seconds,
            retry_after=settings.retry_after_seconds,
        )
    )
    middleware.append(Middleware(TokenReadFastPath))
    middleware.append(Middleware(CachedReadFastPath))

    app = FastAPI(
        title="spotify-api",
        version=__version__,
        summary="Accounts, a music catalog and playlists, over HTTP and JSON.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        servers=SERVERS,
        license_info=LICENSE,
        lifespan=lifespan,
        middleware=middleware,
        swagger_ui_parameters={"persistAuthorization": True},
        docs_url=None,  # served by install_docs, with its assets, not from a CDN
        redoc_url=None,  # FastAPI's ReDoc page loads from a CDN; Swagger UI is the docs
        redirect_slashes=False,  # core.routing redirects, relatively
    )
    app.state.settings = settings
    app.state.fast_renders = CATALOG_FAST_RENDERS
    # Token-only reads answered before routing, by the route's path (auth.token_fast_path).
    app.state.token_renders = {
        "/me": render_own_account,
        "/playlists/{playlist_id}": render_playlist,
    }
    # …and the playlists' item changes (playlists.fast_changes).
    app.state.token_changes = PLAYLIST_CHANGES
    app.state.migrations = script_directory(settings)
    app.state.password_hasher = PasswordHasher(settings)
    # The clock of sessions' and idempotency records' expiry; tests move it forward.
    app.state.clock = time.time
    # Who holds the catalog's songs, and lets go of those that leave it (catalog.references).
    app.state.song_references = SongReferences(PLAYLISTS_HOLD_SONGS)
    install_error_handlers(app)
    app.include_router(auth_router)
    app.include_router(catalog_router)
    app.include_router(playlists_router)
    app.include_router(sharing_router)
    app.include_router(library_router)
    app.include_router(users_router)
    app.include_router(ops_router)
    install_docs(app)
    install_routing_edges(app)
    install_openapi(app, extra_schemas=(LoginRequest, LoginForm))
    return app


async def _enter_in_thread(stack: AsyncExitStack, context: AbstractContextManager[T]) -> T:
    """Enter a blocking context manager off the event loop; it is left off it too."""
    value = await asyncio.to_thread(context.__enter__)
    stack.push_async_exit(lambda *exc_info: asyncio.to_thread(context.__exit__, *exc_info))
    return value


def create_default_app() -> FastAPI:
    """What `uvicorn spotify_api.main:app` and the CLI serve: settings from the environment."""
    settings = Settings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    freeze_startup_objects()
    return app


def __getattr__(name: str) -> FastAPI:
    """`spotify_api.main:app`, built on first use so that importing this module has no effects."""
    if name == "app":
        return create_default_app()
    raise AttributeError(name)
