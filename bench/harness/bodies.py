"""Before anything is measured: every reference (the floor, the Flask peer) answers each of its
cases with what the service answers, compared parsed (`json.loads` equal), and its changes do to
the playlist what the service's do. A difference stops the run: a ratio to a reference that
serves something else would mean nothing."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from sqlalchemy.engine import URL

from harness.common import BenchError, http_client
from harness.database import playlist_songs
from harness.load import Scenario
from harness.playlist_changes import add_body
from harness.playlists import Playlists
from harness.servers import Server

SAMPLES = 3  # ids asked for at each of the two places where wrk starts in a list
_SNAPSHOT = re.compile(r"[0-9a-f]{32}")


def _get(client: httpx.Client, url: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise BenchError(f"GET {url}: {response.status_code} {response.text[:300]}")
    return response.json()


def _difference(expected: Any, found: Any, where: str = "") -> str:
    """Where two parsed bodies first differ, as a path into them."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(set(expected) | set(found)):
            if expected.get(key, ...) != found.get(key, ...):
                return _difference(expected.get(key, ...), found.get(key, ...), f"{where}.{key}")
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        for index, (a, b) in enumerate(zip(expected, found, strict=True)):
            if a != b:
                return _difference(a, b, f"{where}[{index}]")
    return f"{where or 'the body'}: {str(expected)[:200]!r} against {str(found)[:200]!r}"


def _read_paths(
    reference: Scenario, twin: Scenario, ids: Mapping[str, Sequence[str]]
) -> list[tuple[str, str]]:
    """(the service's path, the reference's path) of the requests to compare."""
    if reference.mode != "ids":
        return [(twin.path, reference.path)]
    listed = ids[reference.ids]
    middle = len(listed) // 2
    chosen = [*listed[:SAMPLES], *listed[middle : middle + SAMPLES]]
    return [(twin.path + item, reference.path + item) for item in chosen]


def check_reads(
    plan: Sequence[Scenario], servers: Mapping[str, Server], ids: Mapping[str, Sequence[str]]
) -> None:
    """Every read of a reference against its twin on the service."""
    by_key = {scenario.key: scenario for scenario in plan}
    checked = 0
    with http_client() as client:
        for reference in plan:
            if reference.twin is None or reference.mode in ("pair", "alternate"):
                continue
            twin = by_key[reference.twin]
            for service_path, reference_path in _read_paths(reference, twin, ids):
                expected = _get(client, servers[twin.server].url + service_path, twin.token)
                found = _get(client, servers[reference.server].url + reference_path, twin.token)
                if found != expected:
                    raise BenchError(
                        f"({reference.key}) {reference.server} answers {reference_path} "
                        f"otherwise than the service answers {service_path}: "
                        + _difference(expected, found)
                    )
                checked += 1
    if checked:
        print(f"the references' bodies equal the service's ({checked} requests compared)")


def _requests(scenario: Scenario) -> list[tuple[str, dict[str, Any], int]]:
    """The two requests of a change case: (path after the playlist's, body, expected status)."""
    if scenario.mode == "pair":
        song, remove_at, add_at = scenario.args
        position = None if add_at == "end" else int(add_at)
        return [
            ("/remove-song", {"song_id": song, "position": int(remove_at)}, 200),
            ("/add-song", add_body(song, position), 201),
        ]
    first, first_body, second, second_body = scenario.args
    return [
        (path, json.loads(body), 201 if path == "/add-song" else 200)
        for path, body in ((first, first_body), (second, second_body))
    ]


def _masked(answer: Any, where: str) -> Any:
    if not isinstance(answer, dict) or not _SNAPSHOT.fullmatch(str(answer.get("snapshot_id"))):
        raise BenchError(f"{where} answered {str(answer)[:200]}, with no snapshot id")
    return {**answer, "snapshot_id": "…"}


def check_changes(
    plan: Sequence[Scenario],
    servers: Mapping[str, Server],
    playlists: Playlists,
    database: URL,
) -> None:
    """Each change case once on the service, then on its reference: the same statuses and
    answers (but for the new snapshot id, which the service must then report), and the
    playlist back in its layout after each."""
    by_key = {scenario.key: scenario for scenario in plan}
    headers = {"Authorization": f"Bearer {playlists.token}"}
    checked = 0
    with http_client() as client:
        for reference in plan:
            if reference.twin is None or reference.mode not in ("pair", "alternate"):
                continue
            twin = by_key[reference.twin]
            playlist_id = twin.path.rsplit("/", 1)[1]
            answers: dict[str, list[Any]] = {}
            for server in (twin.server, reference.server):
                answers[server] = []
                for suffix, body, status in _requests(reference):
                    url = servers[server].url + twin.path + suffix
                    response = client.post(url, json=body, headers=headers)
                    if response.status_code != status:
                        raise BenchError(
                            f"({reference.key}) {server}: POST {twin.path}{suffix}: "
                            f"{response.status_code}, not {status}: {response.text[:300]}"
                        )
                    answers[server].append(response.json())
                shown = _get(client, servers["service"].url + twin.path, playlists.token)
                if shown["snapshot_id"] != answers[server][-1]["snapshot_id"]:
                    raise BenchError(
                        f"({reference.key}) after {server}'s changes the service shows "
                        f"snapshot {shown['snapshot_id']}, not {answers[server][-1]}"
                    )
                order = asyncio.run(playlist_songs(database, playlist_id))
                if order != list(playlists.layouts[playlist_id]):
                    raise BenchError(f"({reference.key}) {server}'s pair changed the playlist")
            expected, found = (
                [_masked(answer, f"({reference.key}) {server}") for answer in answers[server]]
                for server in (twin.server, reference.server)
            )
            if expected != found:
                raise BenchError(
                    f"({reference.key}) {reference.server} answers {found}, the service {expected}"
                )
            checked += 1
    if checked:
        print(f"the references' changes equal the service's ({checked} pairs compared)")
