"""Safe retries: an `Idempotency-Key` makes a POST happen once, whatever fails and is retried.

The record of a keyed request lives in the database, in the same transaction as the change it
makes, so that the two are settled together:

1. The request claims its key: an INSERT of the key's row (per user, the key's SHA-256), as the
   transaction's first write, before anything changes.
2. The service runs and commits through the unit of work; just before its commit, a step
   registered here renders the answer from the service's result and writes it into that row.
3. The client gets that same answer.

So after any failure a retry either finds the committed answer and replays it, or finds no
record and runs: a request that did not commit (a 4xx such as 404 song_not_found, a 5xx, a
crash, a lost connection) leaves nothing behind. Only successes are ever stored.

A retry with the same key and body gets the stored answer with `Idempotent-Replayed: true` and
changes nothing; the same key with another method, path or body is 422 idempotency_key_reused.

A retry while the first still runs: on PostgreSQL its INSERT waits on the unique index for the
first's transaction to end, then replays its answer if it committed, or claims the key and runs
if it rolled back. The wait is bounded (`idempotency_wait_seconds`, as lock_timeout); past it,
409 request_in_progress. A waiting request holds no lock, so it cannot deadlock. On SQLite the
claim waits for the database's single write lock (the busy time-out, then 503), after which the
first has always ended; there is no 409.

Records are kept `idempotency_ttl_seconds` (24 hours) by the app's clock; an expired record is
absent to a claim, which takes it over. `core.idempotency_purge` deletes them. Redis plays no
part, so a Redis that is down or frozen cannot make a write happen twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar, cast

from fastapi import Depends, Header, Request
from fastapi.responses import Response

from spotify_api.core.errors import DATABASE_ERRORS, Conflict, Unprocessable, sqlstate
from spotify_api.core.idempotency_records import IdempotencyRecords, StoredAnswer
from spotify_api.core.unit_of_work import UnitOfWork, UnitOfWorkDep
from spotify_api.settings import Settings

KEY_PATTERN = r"^[\x20-\x7E]{1,255}$"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("location", "etag")
_LOCK_NOT_AVAILABLE = "55P03"

T = TypeVar("T")
Clock = Callable[[], float]

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description=(
            "1–255 printable characters, new for each operation. A retry with the same key and "
            "body replays the first success instead of acting twice (kept 24 hours); a request "
            "that failed is not kept, so its retry runs again."
        ),
    ),
]


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different request."


class RequestInProgress(Conflict):
    code = "request_in_progress"
    default_detail = "A request with this Idempotency-Key is still running; retry shortly."


def _replay(stored: StoredAnswer, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if stored.status is None:  # cannot be committed so; never replay what is not an answer
        raise RequestInProgress()
    return Response(
        stored.body,
        status_code=stored.status,
        headers={**stored.headers, REPLAYED_HEADER: "true"},
        media_type=stored.media_type,
    )


class IdempotencyStore:
    def __init__(self, uow: UnitOfWork, settings: Settings, clock: Clock) -> None:
        self.uow = uow
        self.records = IdempotencyRecords(uow)
        self.ttl = timedelta(seconds=settings.idempotency_ttl_seconds)
        self.wait_seconds = settings.idempotency_wait_seconds
        self.clock = clock

    async def run(
        self,
        user_id: uuid.UUID,
        key: str,
        fingerprint: str,
        call: Callable[[], Awaitable[T]],
        respond: Callable[[T], Response],
    ) -> Response:
        """Run `call` once for (user, key), its answer stored as it commits; replay it after."""
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        now = datetime.fromtimestamp(self.clock(), UTC)
        try:
            stored = await self.records.claim(
                user_id, key_hash, fingerprint, now, now + self.ttl, self.wait_seconds
            )
        except DATABASE_ERRORS as error:
            if sqlstate(error) != _LOCK_NOT_AVAILABLE:
                raise
            await self.uow.rollback()
            raise RequestInProgress() from error
        if stored is not None:
            await self.uow.rollback()  # let the row go at once
            return _replay(stored, fingerprint)

        answers: list[Response] = []

        async def store_answer(result: object) -> None:
            response = respond(cast(T, result))  # what the service passed to its commit
            headers = {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS}
            await self.records.store(
                user_id,
                key_hash,
                response.status_code,
                response.media_type,
                headers,
                bytes(response.body),
            )
            answers.append(response)

        self.uow.before_commit(store_answer)
        try:
            result = await call()
        except Exception:
            await self.uow.rollback()  # the claim goes with it: a retry runs
            raise
        if not answers:  # the service committed nothing: neither is the claim
            await self.uow.rollback()
            return respond(result)
        return answers[0]


async def get_idempotency_store(request: Request, uow: UnitOfWorkDep) -> IdempotencyStore:
    return IdempotencyStore(uow, request.app.state.settings, request.app.state.clock)


Idempotency = Annotated[IdempotencyStore, Depends(get_idempotency_store)]


def fingerprint(request: Request, body: bytes) -> str:
    """What makes two requests the same: method, path and body."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body)
    return digest.hexdigest()


async def run_idempotent(
    store: IdempotencyStore,
    key: str | None,
    user_id: uuid.UUID,
    request: Request,
    body: bytes,
    call: Callable[[], Awaitable[T]],
    respond: Callable[[T], Response],
) -> Response:
    """Answer a POST with `respond(await call())`, once per `Idempotency-Key` if it has one."""
    if key is None:
        return respond(await call())
    return await store.run(user_id, key, fingerprint(request, body), call, respond)
