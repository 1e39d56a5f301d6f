"""The library (issue 14): `GET /me/songs`, the first page, for a listener with 10,000 liked
songs beside one with 50, and `GET /me/songs/contains` of 50 ids beside that page read; the
listeners, their libraries (written straight into `saved_songs`, whose triggers keep the
totals), the cases and the report's section.

Targets: the first page of the 10,000-song library within 1.5× the 50-song one's p50 (keyset
pages and a stored total: the cost does not grow with the library); `contains` of 50 ids no
dearer than one page read (p50 within 1×).
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy.engine import URL

from harness.common import BenchError, http_client
from harness.database import delete_users, dsn
from harness.formatting import cpu, ms, times, verdict
from harness.load import Run, Scenario

USER_PREFIX = "bench_lib_"
SIZES = (10_000, 50)  # the big library, the small one
CHECKED = 50  # ids of one `contains`: half of them saved
PAGE_RATIO = 1.5
CONTAINS_RATIO = 1.0
ORDER = ("l1", "l2", "l3")


@dataclass(frozen=True, slots=True)
class Library:
    tokens: Mapping[int, str]  # size -> the listener's token
    page_bytes: Mapping[int, int]  # size -> GET /me/songs body bytes
    contains_path: str
    contains_bytes: int


async def _fill(database: URL, user_id: str, songs: Sequence[str]) -> None:
    """The user's saved songs, one second apart (the last the newest), through COPY."""
    start = datetime.now(UTC) - timedelta(seconds=len(songs))
    user = uuid.UUID(user_id)
    records = [
        (user, uuid.UUID(song), start + timedelta(seconds=n)) for n, song in enumerate(songs)
    ]
    connection = await asyncpg.connect(dsn(database), timeout=5)
    try:
        await connection.copy_records_to_table(
            "saved_songs", records=records, columns=["user_id", "song_id", "added_at"]
        )
        await connection.execute("VACUUM ANALYZE saved_songs")
    finally:
        await connection.close()


def prepare(base_url: str, database: URL, songs: Sequence[str]) -> Library:
    """Two listeners, one with 10,000 liked songs, one with 50; their first pages read."""
    left = asyncio.run(delete_users(database, USER_PREFIX))
    if left:
        print(f"deleted {left} library benchmark user(s) left by an earlier run")
    if len(songs) < SIZES[0] + CHECKED:
        raise BenchError(f"{len(songs):,} songs cannot fill a library of {SIZES[0]:,}")
    tokens, page_bytes = {}, {}
    with http_client(base_url) as client:
        for size in SIZES:
            username = USER_PREFIX + secrets.token_hex(6)
            password = secrets.token_urlsafe(18)
            account = {"username": username, "email": f"{username}@example.com"}
            made = client.post("/register", json={**account, "password": password})
            login = client.post("/login", json={"username": username, "password": password})
            if made.status_code != 201 or login.status_code != 200:
                raise BenchError(f"registering {username}: {made.text[:200]} {login.text[:200]}")
            asyncio.run(_fill(database, made.json()["id"], songs[:size]))
            tokens[size] = login.json()["access_token"]
            page = client.get("/me/songs", headers={"Authorization": f"Bearer {tokens[size]}"})
            if page.status_code != 200 or page.json()["total"] != size:
                raise BenchError(f"GET /me/songs of {size:,}: {page.status_code} {page.text[:200]}")
            page_bytes[size] = len(page.content)
        # Half saved (the newest), half not.
        checked = [*songs[SIZES[0] - CHECKED // 2 : SIZES[0]], *songs[-CHECKED // 2 :]]
        contains_path = "/me/songs/contains?ids=" + ",".join(checked)
        headers = {"Authorization": f"Bearer {tokens[SIZES[0]]}"}
        answer = client.get(contains_path, headers=headers)
        expected = [True] * (CHECKED // 2) + [False] * (CHECKED // 2)
        if answer.status_code != 200 or answer.json() != expected:
            raise BenchError(f"contains: {answer.status_code} {answer.text[:200]}")
    print(f"libraries of {', '.join(f'{size:,}' for size in SIZES)} liked songs")
    return Library(tokens, page_bytes, contains_path, len(answer.content))


def cleanup(database: URL) -> None:
    asyncio.run(delete_users(database, USER_PREFIX))


def scenarios(library: Library) -> list[Scenario]:
    big, small = SIZES
    return [
        Scenario("l1", f"`GET /me/songs`, first page, {big:,} liked songs, 1 connection",
                 "service", "/me/songs", "fixed", cached=False,
                 body_bytes=library.page_bytes[big], connections=1, threads=1,
                 token=library.tokens[big], group="library"),
        Scenario("l2", f"`GET /me/songs`, first page, {small:,} liked songs, 1 connection",
                 "service", "/me/songs", "fixed", cached=False,
                 body_bytes=library.page_bytes[small], connections=1, threads=1,
                 token=library.tokens[small], group="library"),
        Scenario("l3", f"`GET /me/songs/contains` of {CHECKED} ids, {big:,} liked songs, "
                 "1 connection", "service", library.contains_path, "fixed", cached=False,
                 body_bytes=library.contains_bytes, connections=1, threads=1,
                 token=library.tokens[big], group="library"),
    ]  # fmt: skip


def section(by_key: Mapping[str, Scenario], runs: Mapping[str, Run]) -> list[str]:
    keys = [key for key in ORDER if key in runs]
    if not keys:
        return []
    lines = [
        "#### Library",
        "",
        "| | Request | Body | req/s | p50 | p99 | CPU/req | Errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for key in keys:
        scenario, run = by_key[key], runs[key]
        lines.append(
            f"| {key} | {scenario.label} | {scenario.body_bytes:,} B | {run.rps:,.0f} "
            f"| {ms(run.p50_ms)} | {ms(run.p99_ms)} | {cpu(run)} | {run.errors:,} |"
        )
    lines += ["", "Targets:"]
    if "l1" in runs and "l2" in runs:
        ratio = runs["l1"].p50_ms / runs["l2"].p50_ms
        lines.append(
            f"- A library of {SIZES[0]:,} liked songs pages as fast as one of {SIZES[1]} "
            f"(first page, p50 within {PAGE_RATIO}×): (l1/l2) {times(ratio)}"
            + verdict(ratio <= PAGE_RATIO)
        )
    if "l3" in runs and "l1" in runs:
        ratio = runs["l3"].p50_ms / runs["l1"].p50_ms
        lines.append(
            f"- `contains` of {CHECKED} ids costs no more than one page read (p50 within "
            f"{CONTAINS_RATIO:.0f}×): (l3/l1) {times(ratio)}" + verdict(ratio <= CONTAINS_RATIO)
        )
    lines += [
        "",
        "The libraries are written straight into `saved_songs` (COPY; the triggers keep the "
        "totals); every request carries the listener's token. Library answers are never "
        "cached.",
        "",
    ]
    return lines
