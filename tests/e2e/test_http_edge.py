"""The HTTP server's limits, through `spotify-api serve` itself: a request's head is bounded in
size and in time, and a process serves a bounded number of connections. And its writes: an
answer's head waits for its body so that both leave in one write, which must never hold back an
answer without a body (HEAD) or the interim `100 Continue` a client waits for.

Plain sockets on 127.0.0.1, so that the tests send exactly the bytes an attacker would. Every
wait is bounded by a socket time-out; no assertion is about how long something took.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.e2e.processes import cli_server

HEADER_TIMEOUT = 1  # seconds, small for the tests (the default is 5)
CAP = 3  # connections
MAX_HEADER_BYTES = 64 * 1024  # the default
WAIT = 15.0  # seconds: far beyond the header time-out, but bounded


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def port(workdir: Path) -> Iterator[int]:
    environment = {"HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT), "MAX_CONNECTIONS": str(CAP)}
    with cli_server(workdir, environment) as port:
        yield port


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=WAIT)


def head(extra: bytes = b"") -> bytes:
    return b"GET /health HTTP/1.1\r\nHost: localhost\r\n" + extra + b"\r\n"


def read_head(sock: socket.socket) -> bytes:
    """Everything up to the end of an answer's head (what follows it may come along)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {data!r}")
        data += chunk
    return data


def read_response(sock: socket.socket) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """Status line, headers and body of one response (with a Content-Length)."""
    top, _, body = read_head(sock).partition(b"\r\n\r\n")
    status, *lines = top.split(b"\r\n")
    headers = dict(line.lower().split(b": ", 1) for line in lines)
    while len(body) < int(headers[b"content-length"]):
        body += sock.recv(65536)
    return status, headers, body


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes this connection (within WAIT) rather than leave it open."""
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


# Header size


@pytest.mark.parametrize("size", [8 * 1024, MAX_HEADER_BYTES - 1024])
def test_a_head_within_the_limit_is_served(port: int, size: int) -> None:
    with connect(port) as sock:
        sock.sendall(head(b"X-Padding: " + b"a" * size + b"\r\n"))
        status, _, body = read_response(sock)
    assert status == b"HTTP/1.1 200 OK"
    assert json.loads(body) == {"status": "ok"}


def test_a_head_over_the_limit_is_431_and_the_connection_closes(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(head(b"X-Padding: " + b"a" * (100 * 1024) + b"\r\n"))
        status, headers, body = read_response(sock)
        assert status == b"HTTP/1.1 431 Request Header Fields Too Large"
        assert headers[b"content-type"] == b"application/problem+json"
        assert headers[b"connection"] == b"close"
        assert json.loads(body)["code"] == "headers_too_large"
        assert closed_by_server(sock)


def test_a_huge_header_is_refused_not_read_to_its_end(port: int) -> None:
    """50 MB of one header: the server stops parsing at the limit and answers 431 (or the
    connection is reset under a sender that keeps sending); never a 200."""
    with connect(port) as sock:
        try:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
            for _ in range(50):
                sock.sendall(b"a" * (1024 * 1024))
            sock.sendall(b"\r\n\r\n")
            status = read_response(sock)[0]
        except (BrokenPipeError, ConnectionResetError):
            return
    assert status == b"HTTP/1.1 431 Request Header Fields Too Large"


# Header time-out


@pytest.mark.parametrize(
    "partial",
    [b"", b"GET /heal", b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "],
    ids=["nothing", "half a request line", "half the headers"],
)
def test_a_head_that_does_not_arrive_in_time_is_closed(port: int, partial: bytes) -> None:
    with connect(port) as sock:
        sock.sendall(partial)
        assert closed_by_server(sock)


def test_the_time_out_applies_to_a_request_after_a_keep_alive_one(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(head())
        assert read_response(sock)[0] == b"HTTP/1.1 200 OK"
        sock.sendall(b"GET /health HTTP/1.1\r\nHo")
        assert closed_by_server(sock)


# One write per answer


def test_answers_to_head_come_whole_and_the_connection_serves_on(port: int) -> None:
    with connect(port) as sock:
        for _ in range(3):
            sock.sendall(b"HEAD /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            answer = read_head(sock)
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
            assert answer.endswith(b"\r\n\r\n")  # a head, and no body after it
        sock.sendall(head())
        status, _, body = read_response(sock)
        assert status == b"HTTP/1.1 200 OK"
        assert json.loads(body)


def test_100_continue_is_sent_before_the_body_is(port: int) -> None:
    body = json.dumps({"username": "nobody", "password": "wrong password"}).encode()
    with connect(port) as sock:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        assert read_head(sock) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        status, headers, answer = read_response(sock)
    assert status == b"HTTP/1.1 401 Unauthorized"
    assert headers[b"content-type"] == b"application/problem+json"
    assert json.loads(answer)["status"] == 401


# Connection cap


def served(sock: socket.socket) -> tuple[bytes, dict[bytes, bytes], bytes]:
    sock.sendall(head())
    return read_response(sock)


def test_a_request_over_the_connection_cap_is_503(port: int) -> None:
    with ExitStack() as stack:
        # Connections of the tests before may still be closing on the server: retry until
        # CAP connections are all served (each then waits in keep-alive, still open).
        for _ in range(50):
            holders = [stack.enter_context(connect(port)) for _ in range(CAP)]
            if all(served(sock)[0] == b"HTTP/1.1 200 OK" for sock in holders):
                break
            for sock in holders:
                sock.close()
            closed_by_server(connect(port))  # a round trip for the server to catch up
        else:
            pytest.fail(f"{CAP} connections were never served at once")
        with connect(port) as extra:
            status, headers, body = served(extra)
            assert status == b"HTTP/1.1 503 Service Unavailable"
            assert headers[b"content-type"] == b"application/problem+json"
            assert headers[b"retry-after"].isdigit()
            assert json.loads(body)["code"] == "service_unavailable"
            assert closed_by_server(extra)
        # The held connections are still served.
        assert served(holders[0])[0] == b"HTTP/1.1 200 OK"


# Answers: each one's head and body go out in one write


def test_pipelined_requests_are_answered_whole_in_order_and_the_last_before_closing(
    port: int,
) -> None:
    paths = [b"/health", b"/openapi.json", b"/health"]
    requests = [b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n\r\n" for path in paths]
    requests[-1] = requests[-1][:-2] + b"Connection: close\r\n\r\n"
    with connect(port) as sock:
        sock.sendall(b"".join(requests))
        received = b""
        while chunk := sock.recv(65536):  # the server closes after the last answer
            received += chunk
    bodies = []
    for _ in paths:
        top, _, rest = received.partition(b"\r\n\r\n")
        status, *lines = top.split(b"\r\n")
        assert status == b"HTTP/1.1 200 OK"
        length = int(dict(line.lower().split(b": ", 1) for line in lines)[b"content-length"])
        bodies.append(json.loads(rest[:length]))
        received = rest[length:]
    assert received == b""
    assert bodies[0] == bodies[2] == {"status": "ok"}
    assert bodies[1]["openapi"].startswith("3.")


def test_the_server_logged_no_error(port: int, workdir: Path) -> None:
    logs = [log.read_text(errors="replace") for log in workdir.glob("serve-*.log")]
    assert logs
    assert all("Traceback" not in log for log in logs)
