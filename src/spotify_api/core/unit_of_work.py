"""A request's unit of work: its transaction, and what must be written in the same transaction
as the change a service makes.

Services commit before they return (a dependency's cleanup runs after the response is sent), and
they commit through `commit(result)`. A layer around a service registers a step with
`before_commit`; the step gets the service's result and writes in the same transaction, just
before the commit, so that both land together or not at all. (The idempotency record is such a
step: see `core.idempotency`.) Steps belong to one transaction: a commit or a rollback drops them.

The transaction (`core.transactions`) begins with the first statement; one that a request left
open (it failed, or was cut off) is rolled back when the request ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Executable

from spotify_api.core.reads import Rows
from spotify_api.core.transactions import Transaction

BeforeCommit = Callable[[object], Awaitable[None]]


class UnitOfWork:
    def __init__(self, transaction: Transaction) -> None:
        self.transaction = transaction
        self.dialect = transaction.dialect
        self._before_commit: list[BeforeCommit] = []

    async def fetch(self, statement: Executable, params: Mapping[str, Any]) -> Rows:
        return await self.transaction.fetch(statement, params)

    def before_commit(self, step: BeforeCommit) -> None:
        self._before_commit.append(step)

    async def commit(self, result: object = None) -> None:
        """Run the registered steps with the service's `result`, then commit."""
        steps, self._before_commit = self._before_commit, []
        for step in steps:
            await step(result)
        await self.transaction.commit()

    async def rollback(self) -> None:
        self._before_commit.clear()
        await self.transaction.rollback()


async def get_unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    """One per request (FastAPI caches it): the service and the layers around it share it."""
    uow = UnitOfWork(request.app.state.transactions())
    try:
        yield uow
    finally:
        await uow.rollback()  # nothing, after a commit


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]
