"""Configuration from the environment (and an optional `.env` file).

With nothing set, the service runs on the embedded default: SQLite in a file in the working
directory and a Valkey server that it runs itself, its data beside that file. `DATABASE_URL`
and `REDIS_URL` switch it to PostgreSQL and Redis.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

EMBEDDED_DATABASE_URL = "sqlite+aiosqlite:///./spotify_api.db"
MIN_SECRET_KEY_LENGTH = 32
EMBEDDED_REDIS_URL = "embedded://"
MEMORY_REDIS_URL = "memory://"


def normalise_database_url(raw: str) -> str:
    """Turn the plain URLs that tools and compose files use into the async driver's form."""
    try:
        url = make_url(raw)
    except ArgumentError as error:
        raise ValueError(
            "DATABASE_URL must look like postgresql://user:password@host:5432/database "
            "or sqlite:///path/to/file.db"
        ) from error
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"unsupported database {backend!r}: use postgresql:// or sqlite://")
    return url.render_as_string(hide_password=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=EMBEDDED_DATABASE_URL,
        description="postgresql://user:pass@host/db, or SQLite (the embedded default).",
    )
    redis_url: str = Field(
        default=EMBEDDED_REDIS_URL,
        description=(
            "redis://host:port/db; embedded:// (the default) for a Valkey server that "
            "spotify-api runs itself beside the SQLite file; memory:// for a stand-in inside "
            "the process (tests)."
        ),
    )
    cache_redis_url: str | None = Field(
        default=None,
        description=(
            "redis://host:port/db of a Redis for the catalog cache alone (entries, list "
            "counts), which may evict (maxmemory with allkeys-lru); REDIS_URL when unset. "
            "Sessions, throttling and idempotency stay on REDIS_URL, which must not evict."
        ),
    )
    secret_key: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32)),
        description="Signs paging cursors. Set it whenever more than one process serves.",
    )

    session_idle_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    session_absolute_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)

    login_max_failures_per_account: int = Field(default=10, ge=1)
    login_max_failures_per_client: int = Field(default=50, ge=1)
    login_max_per_client: int = Field(
        default=100, ge=1, description="Successful logins from one client per login window."
    )
    login_failure_window_seconds: int = Field(
        default=15 * 60, ge=1, description="The window of every login limit, in seconds."
    )

    password_hash_memory_kib: int = Field(default=19 * 1024, ge=8)
    password_hash_time_cost: int = Field(default=2, ge=1)
    password_hash_parallelism: int = Field(default=1, ge=1)

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    # A pool as large as the concurrency it serves, with no overflow by default: an overflow
    # connection is opened for a burst and closed after it, and each new PostgreSQL session
    # prepares its statements anew. Past the pool, requests wait (up to the pool time-out).
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    db_pool_recycle_seconds: int = Field(
        default=1800,
        ge=1,
        description="Connections older than this are replaced when next taken from the pool.",
    )
    db_pool_timeout_seconds: float = Field(default=2.0, gt=0)
    db_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    db_statement_timeout_seconds: float = Field(default=2.0, gt=0)
    request_timeout_seconds: float = Field(
        default=3.0,
        gt=0,
        description="Every answer within this: past it, the work is cancelled and it is a 503.",
    )
    redis_timeout_seconds: float = Field(default=0.3, gt=0)
    retry_after_seconds: int = Field(default=5, ge=1)

    # Idempotency records (see core/idempotency.py): how long an answer is kept, how long a
    # retry waits for the request it repeats to end (then 409), and the purge of expired ones.
    idempotency_ttl_seconds: int = Field(default=24 * 3600, ge=1)
    idempotency_wait_seconds: float = Field(default=1.0, gt=0)
    idempotency_purge_interval_seconds: float = Field(default=300.0, gt=0)
    idempotency_purge_batch: int = Field(default=1000, ge=1)

    cache_ttl_seconds: int = Field(default=300, ge=1)
    cache_max_age_seconds: int = Field(default=30, ge=0)
    # Longer than a hit takes on a loaded host: when the cache is late, falling back to the
    # database is no faster, and no answer at all while the database hangs. The breaker bounds
    # what a dead cache costs.
    cache_timeout_seconds: float = Field(default=0.25, gt=0)

    # The HTTP server's limits (`spotify-api serve`, core.http_edge), in each process.
    max_header_bytes: int = Field(
        default=64 * 1024,
        ge=8 * 1024,
        le=1024 * 1024,
        description="The request line and headers of one request; more is 431 and a close.",
    )
    header_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="A request's line and headers must arrive within this; then the close.",
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        le=100_000,
        description="Open connections per process; a request on one more is 503.",
    )
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Proxies (IPs, networks, or *) whose X-Forwarded-For/-Proto are believed; "
        "none by default.",
    )

    @field_validator("database_url", mode="after")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("redis_url", mode="after")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        scheme, separator, _ = value.partition("://")
        if not separator or scheme not in ("redis", "rediss", "unix", "embedded", "memory"):
            raise ValueError(
                "REDIS_URL must look like redis://host:6379/0 (or rediss://, unix://, embedded://, "
                "memory://); "
                f"got {value.split('@')[-1]!r}"
            )
        return value

    @field_validator("cache_redis_url", mode="after")
    @classmethod
    def _cache_redis_scheme(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        scheme, separator, _ = value.partition("://")
        if not separator or scheme not in ("redis", "rediss", "unix"):
            raise ValueError(
                "CACHE_REDIS_URL must look like redis://host:6379/0 (or rediss://, unix://); "
                f"got {value.split('@')[-1]!r}"
            )
        return value

    @field_validator("secret_key", mode="after")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        length = len(value.get_secret_value())
        if length < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters (it has "
                f"{length}); make one with: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("cors_origins", mode="after")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("CORS_ORIGINS must list origins; '*' is not allowed")
        return value

    @field_validator("forwarded_allow_ips", mode="after")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry != "*":
                ipaddress.ip_network(entry, strict=False)  # a ValueError names the entry
        return value

    @cached_property
    def database(self) -> URL:
        return make_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.database.get_backend_name() == "sqlite"

    @property
    def uses_memory_redis(self) -> bool:
        return self.redis_url.startswith(MEMORY_REDIS_URL)

    @property
    def uses_embedded_redis(self) -> bool:
        return self.redis_url.startswith(EMBEDDED_REDIS_URL)

    @property
    def has_own_cache_redis(self) -> bool:
        """Whether the catalog cache lives on a Redis of its own (CACHE_REDIS_URL)."""
        return self.cache_redis_url is not None and self.cache_redis_url != self.redis_url


def describe_invalid_settings(error: ValidationError) -> list[str]:
    """One line per invalid setting, naming its environment variable, for people to read."""
    lines = []
    for issue in error.errors(include_url=False, include_input=False):
        name = str(issue["loc"][0]).upper() if issue["loc"] else "settings"
        message = str(issue["msg"]).removeprefix("Value error, ")
        lines.append(message if message.startswith(name) else f"{name}: {message}")
    return lines
