"""The HTTP side of paging: parameters, signed keyset cursors, links, and list totals.

A list can be paged by `offset` (random access, costs grow with depth) or by following `next`,
which carries a cursor: the last row's sort key and id, signed (JWS, HS256, `SECRET_KEY`) so
that it cannot be forged. A router turns the request into a `PageQuery` for the repository
(`ListPaging.query`, see `core.keyset`) and the `Window` it gets back into the paging object's
fields (`ListPaging.fields`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request

from spotify_api.core import keyset
from spotify_api.core.errors import BadRequest
from spotify_api.core.jws import HS256, BadSignature
from spotify_api.settings import Settings

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
MAX_CURSOR_LENGTH = 1024
_CURSOR_VERSION = 1
#: A cursor's offset counts items already passed, which may exceed MAX_OFFSET on long lists.
_MAX_CURSOR_OFFSET = 2**31 - 1


class InvalidCursor(BadRequest):
    code = "invalid_cursor"
    default_detail = "The cursor is malformed, forged, or belongs to another list."


LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1–100).")]
OffsetParam = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items (ignored with `cursor`).")
]
CursorParam = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_LENGTH,
        description="An opaque cursor from a `next` or `previous` link.",
    ),
]


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    cursor: str | None = None


async def page_request(
    limit: LimitParam = DEFAULT_LIMIT, offset: OffsetParam = 0, cursor: CursorParam = None
) -> PageRequest:
    return PageRequest(limit, offset, cursor or None)  # `cursor=` means no cursor, as cached


_DECIMAL = re.compile(r"0|[1-9][0-9]{0,6}")


def _plain_int(text: str | None, low: int, high: int, default: int) -> int | None:
    if text is None:
        return default
    if _DECIMAL.fullmatch(text) is None:
        return None
    value = int(text)
    return value if low <= value <= high else None


def plain_page_request(query: Mapping[str, str]) -> PageRequest | None:
    """`page_request` of a request's query parameters (each given once), for the values that
    it takes at face value: decimal integers in range, a cursor within its length. None for
    anything else, which only `page_request` may judge (a 422, or a form it reads as valid)."""
    limit = _plain_int(query.get("limit"), 1, MAX_LIMIT, DEFAULT_LIMIT)
    offset = _plain_int(query.get("offset"), 0, MAX_OFFSET, 0)
    cursor = query.get("cursor")
    if limit is None or offset is None or (cursor is not None and len(cursor) > MAX_CURSOR_LENGTH):
        return None
    return PageRequest(limit, offset, cursor or None)


async def offset_page_request(
    limit: LimitParam = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items.")] = 0,
) -> PageRequest:
    """Paging by offset alone (no cursor), for ordered lists such as a playlist's items."""
    return PageRequest(limit, offset)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a cursor points: past the row with this key and id, going forward or back."""

    key: Any
    row_id: str
    offset: int
    backward: bool


def _fingerprint(sort: str, filters: Mapping[str, Any]) -> str:
    text = json.dumps([sort, sorted((k, str(v)) for k, v in filters.items() if v is not None)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode_key(value: Any) -> Any:
    return {"dt": value.isoformat()} if isinstance(value, datetime) else value


def _decode_key(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"dt"}:
        return datetime.fromisoformat(value["dt"])
    return value


class CursorCodec:
    def __init__(self, secret: str) -> None:
        self._signer = HS256(secret)

    def encode(self, sort: str, filters: Mapping[str, Any], position: Position) -> str:
        return self.sign(_fingerprint(sort, filters), position)

    def sign(self, fingerprint: str, position: Position) -> str:
        """`encode`, for a list whose fingerprint (`_fingerprint(sort, filters)`) is known."""
        payload = {
            "v": _CURSOR_VERSION,
            "f": fingerprint,
            "k": _encode_key(position.key),
            "i": position.row_id,
            "o": position.offset,
            "b": position.backward,
        }
        return self._signer.sign(payload)

    def decode(self, cursor: str, sort: str, filters: Mapping[str, Any]) -> Position:
        try:
            payload = json.loads(self._signer.verify(cursor))
            if not isinstance(payload, dict):
                raise InvalidCursor()
            if payload["v"] != _CURSOR_VERSION or payload["f"] != _fingerprint(sort, filters):
                raise InvalidCursor()
            row_id, offset, backward = payload["i"], payload["o"], payload["b"]
            if not (
                isinstance(row_id, str)
                and len(row_id) <= 64
                and isinstance(offset, int)
                and not isinstance(offset, bool)
                and 0 <= offset <= _MAX_CURSOR_OFFSET
                and isinstance(backward, bool)
            ):
                raise InvalidCursor()
            return Position(_decode_key(payload["k"]), row_id, offset, backward)
        except (BadSignature, ValueError, KeyError, TypeError) as error:
            raise InvalidCursor() from error


def _link(path: str, params: Mapping[str, Any]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


class ListCounts(Protocol):
    """Sizes of lists remembered between requests, by `Pager.count_identity`; the catalog's
    are kept per catalog version, so that any write forgets them."""

    async def get(self, identity: str) -> int | None: ...

    async def put(self, identity: str, total: int) -> None: ...


def page_links(
    codec: CursorCodec,
    path: str,
    list_identity: str,
    filters: Mapping[str, Any],
    limit: int,
    keys: Sequence[tuple[Any, Any]],
    window: keyset.Window[Any],
    sort_param: str | None,
) -> tuple[str | None, str | None]:
    """`next` and `previous` URLs of a page; `keys` are the (sort key, id) of its items. They
    carry cursors past its last item and before its first; a page past the end of the list
    (no items) links back by offset."""
    params = {**filters, "sort": sort_param, "limit": limit}
    offset = window.offset
    next_link = previous_link = None
    fingerprint = _fingerprint(list_identity, filters) if keys else ""
    if window.has_next and keys:
        key, row_id = keys[-1]
        position = Position(key, str(row_id), offset + len(keys), False)
        cursor = codec.sign(fingerprint, position)
        next_link = _link(path, {**params, "cursor": cursor})
    if window.has_previous:
        if keys:
            key, row_id = keys[0]
            cursor = codec.sign(fingerprint, Position(key, str(row_id), offset, True))
            previous_link = _link(path, {**params, "cursor": cursor})
        else:
            previous_link = _link(path, {**params, "offset": max(offset - limit, 0)})
    return next_link, previous_link


@dataclass(frozen=True, slots=True)
class ListPaging:
    """The HTTP side of paging one list: the page a request asks for, as a `PageQuery` for
    the repository (its cursor verified), and the paging object's fields of the page it got."""

    codec: CursorCodec
    path: str
    sort: keyset.SortKey
    filters: Mapping[str, Any]
    request: PageRequest

    @property
    def list_identity(self) -> str:
        """What a cursor belongs to: this list and this order (its filters are added apart)."""
        return f"{self.path} {self.sort.name}"

    @property
    def count_identity(self) -> str:
        """What the size of the list depends on: its path and filters (not order, not page)."""
        filters = sorted((k, str(v)) for k, v in self.filters.items() if v is not None)
        return f"{self.path}?{urlencode(filters)}"

    def query(self) -> keyset.PageQuery:
        request, sort = self.request, self.sort
        if request.cursor is None:
            return keyset.PageQuery(sort, request.limit, offset=request.offset)
        position = self.codec.decode(request.cursor, self.list_identity, self.filters)
        row_id = sort.id_of(position.row_id)
        if row_id is None or not sort.accepts_key(position.key):
            raise InvalidCursor()
        return keyset.PageQuery(
            sort,
            request.limit,
            key=position.key,
            row_id=row_id,
            backward=position.backward,
            passed=position.offset,
        )

    def fields(
        self, window: keyset.Window[Any], keys: Sequence[tuple[Any, Any]], total: int
    ) -> dict[str, Any]:
        """`total`, `limit`, `offset`, `next` and `previous` of a page whose items have these
        (sort key, id)."""
        next_link, previous_link = page_links(
            self.codec,
            self.path,
            self.list_identity,
            self.filters,
            self.request.limit,
            keys,
            window,
            self.sort.name,
        )
        return {
            "total": total,
            "limit": self.request.limit,
            "offset": window.offset,
            "next": next_link,
            "previous": previous_link,
        }


async def counted(
    counts: ListCounts | None, identity: str, count: Callable[[], Awaitable[int]]
) -> int:
    """The size of a list: remembered by `counts` (per catalog version, for the catalog's
    lists), or `count()`ed and remembered."""
    total = await counts.get(identity) if counts is not None else None
    if total is None:
        total = await count()
        if counts is not None:
            await counts.put(identity, total)
    return total


def list_paging(
    request: Request, page: PageRequest, sort: keyset.SortKey, **filters: object
) -> ListPaging:
    """The paging of the list at this request's path, signing cursors with `SECRET_KEY`."""
    return paging_at(request.app.state.settings, request.url.path, page, sort, **filters)


def paging_at(
    settings: Settings, path: str, page: PageRequest, sort: keyset.SortKey, **filters: object
) -> ListPaging:
    """`list_paging` of a request to `path` (as `request.url.path` gives it)."""
    codec = CursorCodec(settings.secret_key.get_secret_value())
    return ListPaging(codec, path, sort, filters, page)
