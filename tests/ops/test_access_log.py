"""One JSON access log line per request, with its request id, route and status; and no token or
password in any log line, at any level, whatever the request did."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from spotify_api.core.logging import JsonFormatter
from tests.helpers import PASSWORD, bearer, login, register


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "spotify_api.access"
    ]


async def test_each_request_logs_one_json_line_with_its_id_route_and_status(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="spotify_api.access")
    response = await client.get("/songs/6f1c4d38-3b3a-4d55-9a8e-2c6f0e2b9a11")
    assert response.status_code == 404
    (line,) = access_lines(caplog)
    assert line["message"] == "request"
    assert line["level"] == "INFO"
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["method"] == "GET"
    assert line["path"] == "/songs/6f1c4d38-3b3a-4d55-9a8e-2c6f0e2b9a11"
    assert line["route"] == "/songs/{song_id}"
    assert line["status"] == 404
    assert isinstance(line["duration_ms"], float | int)


async def test_a_request_id_the_client_sent_is_the_one_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="spotify_api.access")
    await client.get("/health", headers={"X-Request-ID": "checkout-7f3a"})
    (line,) = access_lines(caplog)
    assert line["request_id"] == "checkout-7f3a"
    assert line["route"] == "/health"


async def test_no_log_line_holds_a_token_or_a_password(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    new_password = "a-brand-new-passphrase"
    await register(client, "ada")
    token = await login(client, "ada")
    await client.get("/me", headers=bearer(token))
    await client.post("/login", json={"username": "ada", "password": "wrong-" + PASSWORD})
    await client.post(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=bearer(token),
    )
    await client.post("/login", data={"username": "ada", "password": new_password})
    await client.get("/me", headers=bearer(token + "x"))
    await client.post("/logout", headers=bearer(token))

    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert len(access_lines(caplog)) == 8
    for secret in (token, PASSWORD, new_password):
        assert secret not in logged
