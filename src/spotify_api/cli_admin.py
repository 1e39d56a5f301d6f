"""`spotify-api create-admin`: create an admin, or promote (and perhaps re-password) an account.

A password on the command line shows in `ps` and in the shell's history, so there are three
other ways to give one: standard input (`--password-stdin`), the `SPOTIFY_API_ADMIN_PASSWORD`
environment variable, or a prompt when a terminal is attached. Promoting an existing account
needs no password at all; `--reset-password` sets the one given.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from pydantic import TypeAdapter, ValidationError

from spotify_api.auth.schemas import Email, Password, Username
from spotify_api.settings import Settings
from spotify_api.users.errors import PasswordRequired

PASSWORD_ENVIRONMENT_VARIABLE = "SPOTIFY_API_ADMIN_PASSWORD"  # noqa: S105 - a name, not a secret


class UsageError(Exception):
    """The command's words are wrong: exit 2, with this message."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser(
        "create-admin",
        help="create an admin, or promote a user",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    given = admin.add_mutually_exclusive_group()
    given.add_argument("--password", help="the password (visible to `ps`: prefer the others)")
    given.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    admin.add_argument(
        "--reset-password",
        action="store_true",
        help="for an existing account: set the password given (and end its sessions)",
    )


def _valid(kind: Any, option: str, value: str) -> str:
    try:
        return str(TypeAdapter(kind).validate_python(value))
    except ValidationError as error:
        raise UsageError(f"--{option}: {error.errors()[0]['msg']}") from error


def _given_password(args: argparse.Namespace) -> str | None:
    """The password from the command line, standard input or the environment, if any."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: standard input held no password")
        return password
    if args.password is not None:
        return str(args.password)
    return os.environ.get(PASSWORD_ENVIRONMENT_VARIABLE) or None


def _prompted_password() -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            "a new admin (or --reset-password) needs a password: give it with --password-stdin "
            f"or {PASSWORD_ENVIRONMENT_VARIABLE}, or run the command in a terminal to be asked"
        )
    password = getpass.getpass("Password for the admin: ")
    if getpass.getpass("The same again: ") != password:
        raise UsageError("the two passwords differ")
    return password


def create_admin(
    args: argparse.Namespace,
    settings: Settings,
    with_redis: Callable[[Settings], AbstractContextManager[Settings]],
) -> int:
    """Ask for anything that needs asking first, then act within `with_redis`: a prompt must
    not keep the embedded Redis to this command while someone types."""
    try:
        username = _valid(Username, "username", args.username)
        email = _valid(Email, "email", args.email)
        password = _given_password(args)
        needs_one = args.reset_password or not asyncio.run(_exists(settings, username, email))
        if password is None and needs_one:
            password = _prompted_password()
        if password is not None:
            password = _valid(Password, "password", password)
        with with_redis(settings) as ready:
            outcome = asyncio.run(
                _ensure_admin(ready, username, email, password, args.reset_password)
            )
    except (UsageError, PasswordRequired) as error:
        print(f"error: {error or 'a new admin needs a password'}", file=sys.stderr)
        return 2
    print(outcome)
    return 0


async def _exists(settings: Settings, username: str, email: str) -> bool:
    from spotify_api.core.db import create_engine, create_sessionmaker
    from spotify_api.users.repository import UserRepository

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            users = UserRepository(session)
            found = await users.find_by_login(username) or await users.find_by_login(email)
            return found is not None
    finally:
        await engine.dispose()


async def _ensure_admin(
    settings: Settings, username: str, email: str, password: str | None, reset: bool
) -> str:
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
            result = await service.ensure_admin(username, email, password, reset_password=reset)
    finally:
        await redis.aclose()
        await engine.dispose()
    name = f"{result.user.username} ({result.user.id})"
    said = {
        "created": f"created admin {name}",
        "promoted": f"promoted admin {name}",
        "unchanged": f"{name} is already an admin",
    }[result.outcome]
    if result.password_reset:
        return f"{said}; password reset, its sessions ended"
    if password is not None and result.outcome != "created":
        return f"{said}; the password was left unchanged (--reset-password sets it)"
    return said
