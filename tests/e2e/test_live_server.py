"""Over a real socket, what one request writes is there for the very next one."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from tests.e2e.conftest import live_server
from tests.helpers import PASSWORD

REQUEST_TIMEOUT_SECONDS = 10


async def test_a_registered_user_can_log_in_on_the_next_connection(app: FastAPI) -> None:
    async with live_server(app) as base_url:
        for n in range(20):
            username = f"live{n}"
            async with httpx.AsyncClient(base_url=base_url, trust_env=False) as client:
                registered = await asyncio.wait_for(
                    client.post(
                        "/register",
                        json={
                            "username": username,
                            "email": f"{username}@example.com",
                            "password": PASSWORD,
                        },
                    ),
                    REQUEST_TIMEOUT_SECONDS,
                )
            assert registered.status_code == 201, registered.text
            # A new client is a new connection: nothing can ride on the first one.
            async with httpx.AsyncClient(base_url=base_url, trust_env=False) as client:
                logged_in = await asyncio.wait_for(
                    client.post("/login", json={"username": username, "password": PASSWORD}),
                    REQUEST_TIMEOUT_SECONDS,
                )
            assert logged_in.status_code == 200, f"attempt {n}: {logged_in.text}"
            assert logged_in.json()["token_type"] == "bearer"


async def test_the_live_server_answers_with_request_ids(app: FastAPI) -> None:
    async with (
        live_server(app) as base_url,
        httpx.AsyncClient(base_url=base_url, trust_env=False) as client,
    ):
        response = await asyncio.wait_for(
            client.get("/health", headers={"X-Request-ID": "live-1"}), REQUEST_TIMEOUT_SECONDS
        )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "live-1"
