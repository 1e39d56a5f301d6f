"""The `spotify-api` command: serve, migrate, create-admin, openapi."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
from collections.abc import Sequence

from pydantic import TypeAdapter, ValidationError

from spotify_api.auth.schemas import Email, Password, Username
from spotify_api.settings import Settings


def _prepare_embedded_database(settings: Settings) -> None:
    """On the embedded default the first run just works: the SQLite file is migrated here."""
    if settings.is_sqlite:
        from spotify_api.core.migrations import upgrade

        upgrade(settings)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

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
    uvicorn.run(
        "spotify_api.main:create_default_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )
    return 0


def migrate(args: argparse.Namespace) -> int:
    from spotify_api.core.migrations import downgrade, upgrade

    settings = Settings()
    if args.downgrade:
        downgrade(settings, args.downgrade)
    else:
        upgrade(settings, args.revision)
    return 0


def _validated(args: argparse.Namespace) -> tuple[str, str, str] | None:
    values = []
    for option, kind in (("username", Username), ("email", Email), ("password", Password)):
        try:
            values.append(str(TypeAdapter(kind).validate_python(getattr(args, option))))
        except ValidationError as error:
            for issue in error.errors():
                print(f"error: --{option}: {issue['msg']}", file=sys.stderr)
            return None
    username, email, password = values
    return username, email, password


def create_admin(args: argparse.Namespace) -> int:
    values = _validated(args)
    if values is None:
        return 2
    settings = Settings()
    _prepare_embedded_database(settings)
    user, outcome = asyncio.run(_ensure_admin(settings, *values))
    print(f"{user} is already an admin" if outcome == "unchanged" else f"{outcome} admin {user}")
    return 0


async def _ensure_admin(
    settings: Settings, username: str, email: str, password: str
) -> tuple[str, str]:
    from spotify_api.auth.sessions import SessionStore
    from spotify_api.core.db import create_engine, create_sessionmaker
    from spotify_api.core.redis import create_redis
    from spotify_api.core.security import PasswordHasher
    from spotify_api.users.service import UserAdminService

    engine = create_engine(settings)
    redis = create_redis(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            service = UserAdminService(
                session, SessionStore(redis, settings), PasswordHasher(settings)
            )
            user, outcome = await service.ensure_admin(username, email, password)
            return f"{user.username} ({user.id})", outcome
    finally:
        await redis.aclose()
        await engine.dispose()


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
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("serve", help="run the HTTP server")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=5000)
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    run.set_defaults(handler=serve)

    mig = commands.add_parser("migrate", help="upgrade the database schema (or downgrade it)")
    mig.add_argument("--revision", default="head", help="upgrade to this revision")
    mig.add_argument("--downgrade", metavar="REV", help="downgrade to REV (e.g. base, -1)")
    mig.set_defaults(handler=migrate)

    admin = commands.add_parser("create-admin", help="create an admin, or promote a user")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)
    admin.set_defaults(handler=create_admin)

    spec = commands.add_parser("openapi", help="print the OpenAPI spec as JSON")
    spec.add_argument("--output", "-o", help="write to this file instead of stdout")
    spec.set_defaults(handler=openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
