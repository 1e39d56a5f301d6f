"""Configuration from the environment (and an optional `.env` file).

With nothing set, the service runs on the embedded default: SQLite in a file in the working
directory and an in-process Redis stand-in. `DATABASE_URL` and `REDIS_URL` switch it to
PostgreSQL and Redis.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

EMBEDDED_DATABASE_URL = "sqlite+aiosqlite:///./spotify_api.db"
MEMORY_REDIS_URL = "memory://"


def normalise_database_url(raw: str) -> str:
    """Turn the plain URLs that tools and compose files use into the async driver's form."""
    url = make_url(raw)
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
        default=MEMORY_REDIS_URL,
        description="redis://host:port/db, or memory:// for the in-process stand-in.",
    )
    secret_key: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32)),
        description="Signs paging cursors. Set it whenever more than one process serves.",
    )

    session_idle_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    session_absolute_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)

    login_max_failures_per_account: int = Field(default=10, ge=1)
    login_max_failures_per_client: int = Field(default=50, ge=1)
    login_failure_window_seconds: int = Field(default=15 * 60, ge=1)

    password_hash_memory_kib: int = Field(default=19 * 1024, ge=8)
    password_hash_time_cost: int = Field(default=2, ge=1)
    password_hash_parallelism: int = Field(default=1, ge=1)

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout_seconds: float = Field(default=2.0, gt=0)
    db_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    db_statement_timeout_seconds: float = Field(default=2.0, gt=0)
    redis_timeout_seconds: float = Field(default=0.3, gt=0)
    retry_after_seconds: int = Field(default=5, ge=1)

    cache_ttl_seconds: int = Field(default=300, ge=1)
    cache_max_age_seconds: int = Field(default=30, ge=0)
    cache_timeout_seconds: float = Field(default=0.05, gt=0)

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
        return self.redis_url.startswith("memory://")

    @property
    def is_embedded(self) -> bool:
        return self.is_sqlite and self.uses_memory_redis
