"""Safe retries: an `Idempotency-Key` makes a POST happen once, whatever the retries.

The first response under a key is kept in Redis for a day, per user; a retry with the same
key and the same request gets it again (with `Idempotent-Replayed: true`) and changes nothing.
The same key with another request is 422; a retry while the first still runs is 409.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from redis.asyncio import Redis

from spotify_api.core.errors import (
    Conflict,
    DomainError,
    Unprocessable,
    domain_error_response,
)

KEY_PATTERN = r"^[\x20-\x7E]{1,255}$"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("location", "etag")

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description=(
            "1–255 printable characters, new for each operation. A retry with the same key and "
            "body replays the first answer instead of acting twice (kept 24 hours)."
        ),
    ),
]


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different request."


class RequestInProgress(Conflict):
    code = "request_in_progress"
    default_detail = "A request with this Idempotency-Key is still running; retry shortly."


class IdempotencyStore:
    def __init__(self, redis: Redis, ttl_seconds: int = 24 * 3600, lock_seconds: int = 60):
        self.redis = redis
        self.ttl = ttl_seconds
        self.lock = lock_seconds

    @staticmethod
    def _key(scope: str, key: str) -> str:
        return f"idempotency:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"

    async def run(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        request: Request,
        handler: Callable[[], Awaitable[Response]],
    ) -> Response:
        """Run `handler` once for (scope, key); replay its answer to every retry."""
        redis_key = self._key(scope, key)
        pending = json.dumps({"state": "pending", "fingerprint": fingerprint})
        if not await self.redis.set(redis_key, pending, nx=True, ex=self.lock):
            return await self._replay(redis_key, fingerprint)
        try:
            response = await handler()
        except DomainError as error:
            response = domain_error_response(error, request)
        except BaseException:
            await self.redis.delete(redis_key)
            raise
        if response.status_code >= 500:
            await self.redis.delete(redis_key)
            return response
        stored = {
            "state": "done",
            "fingerprint": fingerprint,
            "status": response.status_code,
            "media_type": response.media_type,
            "headers": {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS},
            "body": base64.b64encode(bytes(response.body)).decode(),
        }
        await self.redis.set(redis_key, json.dumps(stored), ex=self.ttl)
        return response

    async def _replay(self, redis_key: str, fingerprint: str) -> Response:
        raw = await self.redis.get(redis_key)
        if raw is None:  # it expired or was abandoned just now: the client may simply retry
            raise RequestInProgress()
        stored: dict[str, Any] = json.loads(raw)
        if stored["fingerprint"] != fingerprint:
            raise IdempotencyKeyReused()
        if stored["state"] != "done":
            raise RequestInProgress()
        headers = {**stored["headers"], REPLAYED_HEADER: "true"}
        return Response(
            base64.b64decode(stored["body"]),
            status_code=stored["status"],
            headers=headers,
            media_type=stored["media_type"],
        )


async def get_idempotency_store(request: Request) -> IdempotencyStore:
    return IdempotencyStore(request.app.state.redis)


Idempotency = Annotated[IdempotencyStore, Depends(get_idempotency_store)]


def fingerprint(request: Request, body: bytes) -> str:
    """What makes two requests the same: method, path and body."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body)
    return digest.hexdigest()


async def run_idempotent(
    store: IdempotencyStore,
    key: str | None,
    scope: str,
    request: Request,
    body: bytes,
    handler: Callable[[], Awaitable[Response]],
) -> Response:
    """Run a POST's `handler`, once per `Idempotency-Key` when the client sent one."""
    if key is None:
        return await handler()
    return await store.run(scope, key, fingerprint(request, body), request, handler)
