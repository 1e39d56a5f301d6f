"""X-Forwarded-For and -Proto change the client the app sees only when a trusted proxy sends
them: by default no peer is trusted. Served by uvicorn with the options `spotify-api serve`
uses (`uvicorn_options`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import Request

from spotify_api.cli import uvicorn_options
from spotify_api.settings import Settings
from tests.e2e.conftest import live_server

FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


async def seen_client(app_with: Callable[..., Any], **changes: Any) -> dict[str, str]:
    """The client address and scheme that a route sees, for a request from 127.0.0.1 that
    claims to be forwarded for 203.0.113.9 over https."""

    async def client(request: Request) -> dict[str, str]:
        return {"host": request.client.host if request.client else "", "scheme": request.url.scheme}

    async with app_with(**changes) as app:
        app.add_api_route("/test-only/client", client, methods=["GET"])
        options = uvicorn_options(app.state.settings)
        async with live_server(app, **options) as base, httpx.AsyncClient(base_url=base) as http:
            response = await http.get("/test-only/client", headers=FORWARDED)
    assert response.status_code == 200, response.text
    seen: dict[str, str] = response.json()
    return seen


async def test_forwarded_headers_from_an_untrusted_peer_change_nothing(
    app_with: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert Settings(_env_file=None).forwarded_allow_ips == []  # type: ignore[call-arg]
    assert await seen_client(app_with) == {"host": "127.0.0.1", "scheme": "http"}


async def test_a_proxy_that_is_not_listed_is_not_trusted(app_with: Callable[..., Any]) -> None:
    seen = await seen_client(app_with, forwarded_allow_ips=["10.0.0.0/8"])
    assert seen == {"host": "127.0.0.1", "scheme": "http"}


@pytest.mark.parametrize("trusted", [["127.0.0.1"], ["127.0.0.0/8", "10.0.0.1"], ["*"]])
async def test_a_trusted_proxy_names_the_client(
    app_with: Callable[..., Any], trusted: list[str]
) -> None:
    seen = await seen_client(app_with, forwarded_allow_ips=trusted)
    assert seen == {"host": "203.0.113.9", "scheme": "https"}


def test_forwarded_allow_ips_are_read_as_a_list_of_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1, 10.0.0.0/8")
    assert Settings(_env_file=None).forwarded_allow_ips == ["127.0.0.1", "10.0.0.0/8"]  # type: ignore[call-arg]
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "proxy.example")
    with pytest.raises(ValueError, match=r"proxy\.example"):
        Settings(_env_file=None)  # type: ignore[call-arg]
