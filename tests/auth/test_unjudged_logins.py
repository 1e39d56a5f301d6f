"""A login that was never judged (it ran out of time, or a backend failed, before the password
was checked) counts against no limit: only checked passwords do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import asgi_client
from tests.helpers import PASSWORD, register

# A hash this costly takes far longer to check than the deadline of the impatient app.
COSTLY_HASH = {"password_hash_memory_kib": 128 * 1024, "password_hash_time_cost": 4}
LIMIT = 2


async def test_logins_cut_off_by_the_deadline_do_not_fill_the_account_bucket(
    app_with: Callable[..., Any],
) -> None:
    limits = {"login_max_failures_per_account": LIMIT, "login_max_failures_per_client": 100}
    async with app_with(**COSTLY_HASH, **limits) as patient, asgi_client(patient) as client:
        await register(client, "ada")
        async with (
            app_with(request_timeout_seconds=0.2, **limits) as impatient,
            asgi_client(impatient) as hurried,
        ):
            for _ in range(3 * LIMIT):
                body = {"username": "ada", "password": "not-the-password"}
                response = await hurried.post("/login", json=body)
                assert response.status_code == 503, response.text
        response = await client.post("/login", json={"username": "ada", "password": PASSWORD})
    assert response.status_code == 200, response.text
