"""The HTTP server's own limits, before a request reaches the app: how large a request's head
(request line and headers) may be, how long it may take to arrive, and how many connections a
process serves at once.

uvicorn's httptools protocol, the fast one that `spotify-api serve` keeps, bounds none of
them: it took an 8 MiB header and answered 200, four connections sending 50 MB headers grew
the process by 200 MB (httptools buffers a header value whole), and a connection that never
finished its headers stayed open for ever (uvicorn's keep-alive timer only starts after a
response). h11 bounds the head (`h11_max_incomplete_event_size`) but costs several times the
CPU per request, and has no header timeout either. So this protocol is httptools' with:

- a budget of `max_header_bytes` for each request's head: bytes are fed to the parser only
  up to it, and a head that has not ended within it is answered 431 and the connection closed;
- a deadline of `header_timeout_seconds` for each head, from the connection's start or from
  the request's first byte: a head still unfinished then closes the connection, with no
  answer (as nginx's `client_header_timeout` does). Idle time between requests is uvicorn's
  keep-alive timeout's;
- a cap of `max_connections` open connections: a request on one more is answered 503 with
  `Retry-After` and the connection closed. (uvicorn's `limit_concurrency` does this in plain
  text; this answers problem+json, like the app.)

And it sends each answer's head and body in one write (`CoalescingTransport`), not two.

These answers are the server's, not the app's: they carry no request id and are not counted
in the app's metrics. The limits come from the settings of the process (each worker reads
the same environment).
"""

from __future__ import annotations

import asyncio
import functools
import json
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from spotify_api.core.errors import PROBLEM_MEDIA_TYPE, problem_body
from spotify_api.settings import Settings

LINGER_SECONDS = 1.0  # after a 431, for the client to read it


@dataclass(frozen=True)
class EdgeLimits:
    max_header_bytes: int
    header_timeout_seconds: float
    max_connections: int
    retry_after_seconds: int

    @classmethod
    def from_settings(cls, settings: Settings) -> EdgeLimits:
        return cls(
            settings.max_header_bytes,
            settings.header_timeout_seconds,
            settings.max_connections,
            settings.retry_after_seconds,
        )


@functools.cache
def limits_from_environment() -> EdgeLimits:
    return EdgeLimits.from_settings(Settings())


def _problem(status: int, code: str, detail: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A whole HTTP/1.1 response that closes the connection, with a problem+json body."""
    body = json.dumps(problem_body(status, code, detail, None), separators=(",", ":")).encode()
    lines = [STATUS_LINE[status]]
    for name, value in [
        *headers,
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]:
        lines.append(name + b": " + value + b"\r\n")
    return b"".join([*lines, b"\r\n", body])


class CoalescingTransport:
    """The connection's transport, with a write held until the next one joins it: uvicorn
    writes a response's head and its body apart, which is two system calls (and two packets)
    for every answer; here they go out as one. A write that no other joins within the turn of
    the event loop goes out on the loop's next round, and closing or ending the stream sends it
    first. At most one write is held, so the transport's flow control (pausing a writer whose
    peer reads slowly) sees every other write as it is made."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held, self._held = self._held, None
        if held is None:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(held + data)

    def flush(self) -> None:
        held, self._held = self._held, None
        if held and not self._transport.is_closing():  # else the peer is gone: nothing to send
            self._transport.write(held)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + len(self._held or b"")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class EdgeHttpToolsProtocol(HttpToolsProtocol):
    #: None: the limits of the environment's settings.
    limits: ClassVar[EdgeLimits | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.edge = self.limits or limits_from_environment()
        self._in_head = True  # between a request's first byte (or the connection's start) and
        self._head_bytes = 0  # the end of its headers
        self._head_deadline: asyncio.TimerHandle | None = None
        self._refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        coalescing = CoalescingTransport(transport, self.loop)
        super().connection_made(cast(asyncio.Transport, coalescing))
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused or self.transport.is_closing():
            return
        if not self._in_head:
            super().data_received(data)
            return
        if self._head_deadline is None:
            self._arm_head_deadline()  # the first byte of a request after a keep-alive wait
        room = self.edge.max_header_bytes - self._head_bytes
        if len(data) <= room:
            self._head_bytes += len(data)
            super().data_received(data)
            return
        # The head may end within the budget, and a body or the next request follow it.
        self._head_bytes += room
        if room > 0:
            super().data_received(data[:room])
        if self.transport.is_closing():
            return
        if self._in_head:
            self._refuse_head()
            return
        self.data_received(data[room:])

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm_head_deadline()
        if len(self.connections) <= self.edge.max_connections:
            super().on_headers_complete()
            return
        app, self.app = self.app, self._overloaded
        try:
            super().on_headers_complete()
        finally:
            self.app = app

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0

    def _arm_head_deadline(self) -> None:
        self._head_deadline = self.loop.call_later(
            self.edge.header_timeout_seconds, self._head_timed_out
        )

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _answering(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if not self._in_head or self.transport.is_closing():
            return
        if self._answering():  # the next request waits for this answer: give it its time
            self._arm_head_deadline()
            return
        self.transport.close()

    def _refuse_head(self) -> None:
        self._refused = True
        self._disarm_head_deadline()
        if self._answering():  # the request in flight is answered; then the connection closes
            self.cycle.keep_alive = False
            self.flow.pause_reading()
            return
        detail = f"The request line and headers exceed {self.edge.max_header_bytes} bytes."
        headers = self.server_state.default_headers
        self.transport.write(_problem(431, "headers_too_large", detail, headers))
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        # Closing with unread bytes would reset the connection, and a client still sending
        # would see the reset instead of the 431: end our side, discard what still comes
        # (data_received ignores it), and close after a short linger.
        self.transport.write_eof()
        # In the deadline's slot: connection_lost cancels it.
        self._head_deadline = self.loop.call_later(LINGER_SECONDS, self.transport.close)

    async def _overloaded(self, scope: Any, receive: Any, send: Any) -> None:
        detail = "The server is at its connection limit; try again shortly."
        body = json.dumps(
            problem_body(503, "service_unavailable", detail, scope["path"]), separators=(",", ":")
        )
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(self.edge.retry_after_seconds).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})
