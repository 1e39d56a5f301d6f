"""What an operator reads when a command cannot do its job: one line that names the setting or
the server and what to do, instead of a traceback (`--debug` shows that)."""

from __future__ import annotations

from pydantic import ValidationError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from spotify_api.core.embedded_redis import EmbeddedRedisError
from spotify_api.settings import Settings, describe_invalid_settings


class CommandFailed(Exception):
    """A command that cannot go on, for a reason its message gives in one line."""


#: What a command may raise that is the environment's doing, not a bug.
OPERATOR_ERRORS: tuple[type[BaseException], ...] = (
    CommandFailed,
    EmbeddedRedisError,
    ValidationError,
    SQLAlchemyError,
    RedisError,
    OSError,
    TimeoutError,
)


def _database_named(settings: Settings) -> str:
    url = settings.database
    if settings.is_sqlite:
        return f"the SQLite database {url.database}"
    return f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _redis_named(settings: Settings) -> str:
    return f"Redis at {settings.redis_url.split('@')[-1]}"


def _reason(error: BaseException) -> str:
    """The driver's own words, without SQLAlchemy's wrapping (which may quote SQL)."""
    original = error.orig if isinstance(error, DBAPIError) else None
    reason = str(original if original is not None else error).strip().splitlines()
    return reason[0] if reason and reason[0] else type(error).__name__


def describe_operator_error(error: BaseException, settings: Settings | None) -> list[str]:
    """The lines to print for `error`, or [] when it is not one an operator can act on."""
    if isinstance(error, CommandFailed | EmbeddedRedisError):
        return [str(error)]
    if isinstance(error, ValidationError):
        if error.title != Settings.__name__:
            return []
        return describe_invalid_settings(error)
    if settings is None:
        return [f"{type(error).__name__}: {_reason(error)}"]
    if isinstance(error, RedisError):
        return [f"cannot use {_redis_named(settings)}: {_reason(error)}; check REDIS_URL"]
    return [
        f"cannot use {_database_named(settings)}: {_reason(error)}; check DATABASE_URL "
        "and that the server runs"
    ]
