"""One deadline for a request's work: past it, the work is cancelled and the answer is a 503.

Each wait a request may make is bounded on its own (a pool checkout, a lock, a statement, a Redis
call), but the bounds add up: a request that waited the pool's 2 s for a connection could then
wait 2 s more for a lock. The deadline bounds the sum. It stops counting when the response
starts, so that it never cuts a response in half.

Cancelling is safe for the database: the request's session rolls back as it closes, and asyncpg
asks PostgreSQL to cancel a statement that is still running.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spotify_api.core.errors import ServiceUnavailable, problem_response


class RequestDeadline:
    def __init__(self, app: ASGIApp, seconds: float, retry_after: int) -> None:
        self.app = app
        self.seconds = seconds
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        deadline = asyncio.timeout(self.seconds)

        async def send_and_stop_counting(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                deadline.reschedule(None)
            await send(message)

        try:
            async with deadline:
                await self.app(scope, receive, send_and_stop_counting)
        except TimeoutError:
            if started or not deadline.expired():
                raise  # a time-out of the app's own, which its error handlers did not answer
            await self._unavailable(scope, receive, send)

    async def _unavailable(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = ServiceUnavailable(
            "The service could not answer in time; try again shortly.",
            retry_after=self.retry_after,
        )
        await problem_response(error, Request(scope))(scope, receive, send)
