"""What the floor's parts share: its one error (a status and a detail), and the reading of ids
and of `limit` and `offset` from a request."""

from __future__ import annotations

import uuid


class Problem(Exception):
    """An answer other than 2xx: its status, and the detail of its body."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def parse_uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as error:
        raise Problem(404, "not an id") from error


def paging(query: dict[str, str]) -> tuple[int, int]:
    """`limit` and `offset` of a page, as the service bounds them."""
    try:
        limit, offset = int(query.get("limit", "20")), int(query.get("offset", "0"))
    except ValueError as error:
        raise Problem(422, "limit and offset are integers") from error
    if not (1 <= limit <= 100 and 0 <= offset <= 1_000_000):
        raise Problem(422, "limit 1..100, offset 0..1,000,000")
    return limit, offset
