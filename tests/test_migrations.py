"""Migrations alone change the schema: down and up cleanly, and they match the models."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from spotify_api.core.migrations import downgrade, only_for_dialect, upgrade
from spotify_api.models import Base
from spotify_api.settings import Settings


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _differences(connection: Connection) -> list[Any]:
    options = {"compare_type": True, "include_object": only_for_dialect(connection.dialect.name)}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, Base.metadata))


async def _run(settings: Settings, check: Any) -> Any:
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(check)
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_upgrade_again(migrated: Settings) -> None:
    try:
        await asyncio.to_thread(downgrade, migrated, "base")
        assert await _run(migrated, _tables) == set()
    finally:
        await asyncio.to_thread(upgrade, migrated)
    assert await _run(migrated, _tables) == set(Base.metadata.tables)


# SQLite cannot reflect expression indexes (lower(username)); PostgreSQL compares them.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
async def test_the_models_match_the_migrations(migrated: Settings) -> None:
    assert await _run(migrated, _differences) == []
