"""Alembic, driven from Python: the CLI's `migrate` and the embedded default's first run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Index
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from spotify_api.settings import Settings

_PACKAGE = Path(__file__).resolve().parents[1]


def script_location() -> Path:
    """The migrations: shipped inside the wheel, or at the root of a source checkout."""
    for candidate in (_PACKAGE / "_alembic", _PACKAGE.parents[1] / "alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the alembic migrations are missing from this installation")


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logging"] = False
    return config


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where the database's schema stands against the migrations this code ships."""

    current: str | None  # None: never migrated
    head: str
    known: bool  # whether this code has a migration called `current`

    @property
    def matches(self) -> bool:
        return self.current == self.head

    def problem(self) -> str | None:
        """One line for an operator when the schema does not fit this code, else None."""
        if self.matches:
            return None
        if self.current is None:
            return f"the database is empty; this version needs {self.head}: run spotify-api migrate"
        if self.known:
            return (
                f"the database is at {self.current}; this version needs {self.head}: "
                "run spotify-api migrate"
            )
        return (
            f"the database is at {self.current}, a revision this version does not know (a newer "
            f"release migrated it); this version needs {self.head}: run the newer release"
        )


def script_directory(settings: Settings) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(settings))


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def database_revision(engine: AsyncEngine) -> str | None:
    """The revision the database was migrated to; None if never. Raises if it is down."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revision)


async def session_revision(session: AsyncSession) -> str | None:
    """`database_revision` through a request's session."""
    return await session.run_sync(lambda sync_session: _current_revision(sync_session.connection()))


def schema_state(scripts: ScriptDirectory, current: str | None) -> SchemaState:
    known = False
    if current is not None:
        try:
            known = scripts.get_revision(current) is not None
        except CommandError:
            known = False
    return SchemaState(current, scripts.get_current_head() or "base", known)


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)


def only_for_dialect(
    dialect: str, engine_objects: frozenset[str] = frozenset(), engine_tables: tuple[str, ...] = ()
) -> Callable[..., bool]:
    """An autogenerate filter that skips what the models create on other dialects only, and what
    migrations make for one engine that the models do not describe: the objects named in
    `engine_objects` and the tables whose names start with one of `engine_tables`.

    The trigram indexes exist on PostgreSQL alone (`Index.ddl_if`), which autogenerate does
    not know by itself.
    """

    def include_object(
        obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
    ) -> bool:
        made_for_engine = name in engine_objects or (
            type_ == "table" and name is not None and name.startswith(engine_tables)
        )
        if reflected and compare_to is None and made_for_engine:
            return False
        if type_ == "index" and isinstance(obj, Index):
            using = obj.dialect_options["postgresql"].get("using")
            return not (using and dialect != "postgresql")
        return True

    return include_object
