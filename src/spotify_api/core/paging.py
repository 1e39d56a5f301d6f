"""Pages of lists: the paging object, its parameters, links, and signed keyset cursors.

A list can be paged by `offset` (random access, costs grow with depth) or by following `next`,
which carries a cursor: the last row's sort key and id, signed (JWS, HS256, `SECRET_KEY`) so
that it cannot be forged. A cursor page costs what the first page costs, however deep.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request
from jose import jws
from jose.exceptions import JOSEError
from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType, TypeDecorator

from spotify_api.core import keyset
from spotify_api.core.errors import BadRequest

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
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
    Query(max_length=1024, description="An opaque cursor from a `next` or `previous` link."),
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


async def offset_page_request(
    limit: LimitParam = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items.")] = 0,
) -> PageRequest:
    """Paging by offset alone (no cursor), for ordered lists such as a playlist's items."""
    return PageRequest(limit, offset)


def _python_type(column: Any) -> type:
    """The Python type of a sort column's values, seen through type decorators and through
    functions such as lower() that SQLAlchemy leaves untyped."""
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, NullType) and isinstance(column, FunctionElement):
        return _python_type(next(iter(column.clauses)))
    python_type: type = column_type.python_type
    return python_type


@dataclass(frozen=True, slots=True)
class SortKey:
    """How a list is ordered: one column, then the id to break ties."""

    name: str
    column: Any
    id_column: Any
    descending: bool

    def accepts_key(self, key: Any) -> bool:
        """Whether `key` can stand for a value of the sort column: its type, and nothing that the
        database refuses to compare (a NUL in text, a naive timestamp, an integer past 64 bits).
        A cursor is signed, but its contents still came from outside."""
        expected = _python_type(self.column)
        if expected is str:
            return isinstance(key, str) and "\x00" not in key
        if expected is datetime:
            return isinstance(key, datetime) and key.utcoffset() is not None
        if expected is int:
            return isinstance(key, int) and not isinstance(key, bool) and abs(key) < 2**63
        return isinstance(key, expected)

    def key_of(self, row: Any) -> tuple[Any, Any]:
        """The (sort key, id) of an ORM row of the sorted table."""
        return getattr(row, self.column.key), getattr(row, self.id_column.key)

    def order_by(self, *, reverse: bool = False) -> list[Any]:
        descending = self.descending != reverse
        return [c.desc() if descending else c.asc() for c in (self.column, self.id_column)]

    def after(self, key: Any, row_id: Any, *, reverse: bool = False) -> ColumnElement[bool]:
        """Rows strictly past (key, id) in this order (or before it, with `reverse`)."""
        id_type = self.id_column.type.python_type
        if not isinstance(row_id, id_type):
            try:
                row_id = id_type(row_id)
            except (TypeError, ValueError) as error:
                raise InvalidCursor() from error
        # A row-value comparison, (key, id) > (k, i), which PostgreSQL answers by seeking in
        # the (key, id) index; the equivalent OR of two conditions makes it scan from the start.
        row, bound = tuple_(self.column, self.id_column), tuple_(key, row_id)
        return row < bound if self.descending != reverse else row > bound


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
        self._secret = secret

    def encode(self, sort: str, filters: Mapping[str, Any], position: Position) -> str:
        payload = {
            "v": _CURSOR_VERSION,
            "f": _fingerprint(sort, filters),
            "k": _encode_key(position.key),
            "i": position.row_id,
            "o": position.offset,
            "b": position.backward,
        }
        token: str = jws.sign(payload, self._secret, algorithm="HS256")
        return token

    def decode(self, cursor: str, sort: str, filters: Mapping[str, Any]) -> Position:
        try:
            payload = json.loads(jws.verify(cursor, self._secret, algorithms=["HS256"]))
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
        except (JOSEError, ValueError, KeyError, TypeError) as error:
            raise InvalidCursor() from error


def _link(path: str, params: Mapping[str, Any]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


@dataclass(frozen=True, slots=True)
class PageRows:
    """The rows of one page, in list order, and where the page stands in the whole list."""

    rows: list[Any]
    total: int
    offset: int
    has_next: bool
    has_previous: bool

    def first_column(self) -> PageRows:
        return replace(self, rows=[row[0] for row in self.rows])

    def tuples(self) -> PageRows:
        return replace(self, rows=[tuple(row) for row in self.rows])


class ListCounts(Protocol):
    """Sizes of lists remembered between requests, by `Pager.count_identity`; the catalog's
    are kept per catalog version, so that any write forgets them."""

    async def get(self, identity: str) -> int | None: ...

    async def put(self, identity: str, total: int) -> None: ...


async def fetch_page(session: AsyncSession, query: Select[Any], pager: Pager) -> PageRows:
    """One page of `query` and the size of the whole list: two queries, however deep (one when
    the pager's `counts` remember the size)."""
    position = pager.position()
    rows = (await session.execute(pager.apply(query, position))).all()
    items, offset, has_next, has_previous = pager.page_items(rows, position)
    counts, identity = pager.counts, pager.count_identity
    total = await counts.get(identity) if counts is not None else None
    if total is None:
        counted = select(func.count()).select_from(query.column_descriptions[0]["entity"])
        if query.whereclause is not None:
            counted = counted.where(query.whereclause)
        total = await session.scalar(counted) or 0
        if counts is not None:
            await counts.put(identity, total)
    return PageRows(items, total, offset, has_next, has_previous)


@dataclass(frozen=True, slots=True)
class Pager:
    """Pages one list: applies a page request to a query, then builds the links."""

    codec: CursorCodec
    path: str
    sort: SortKey
    filters: Mapping[str, Any]
    request: PageRequest
    counts: ListCounts | None = None

    @property
    def list_identity(self) -> str:
        """What a cursor belongs to: this list and this order (its filters are added apart)."""
        return f"{self.path} {self.sort.name}"

    @property
    def count_identity(self) -> str:
        """What the size of the list depends on: its path and filters (not order, not page)."""
        filters = sorted((k, str(v)) for k, v in self.filters.items() if v is not None)
        return f"{self.path}?{urlencode(filters)}"

    def position(self) -> Position | None:
        if self.request.cursor is None:
            return None
        position = self.codec.decode(self.request.cursor, self.list_identity, self.filters)
        if not self.sort.accepts_key(position.key):
            raise InvalidCursor()
        return position

    def apply(self, query: Select[Any], position: Position | None) -> Select[Any]:
        """The query restricted to this page (one extra row tells whether more follow)."""
        backward = position is not None and position.backward
        if position is not None:
            query = query.where(self.sort.after(position.key, position.row_id, reverse=backward))
        else:
            query = query.offset(self.request.offset)
        return query.order_by(*self.sort.order_by(reverse=backward)).limit(self.request.limit + 1)

    def page_items(
        self, rows: Sequence[T], position: Position | None
    ) -> tuple[list[T], int, bool, bool]:
        """The rows of this page in list order, its offset, and whether pages follow/precede."""
        limit = self.request.limit
        more = len(rows) > limit
        items = list(rows[:limit])
        if position is None:
            offset = self.request.offset
            return items, offset, more, offset > 0
        if position.backward:
            items.reverse()
            offset = max(position.offset - len(items), 0)
            return items, offset, True, more
        return items, position.offset, more, True

    def page_fields(
        self,
        page: PageRows,
        sorted_rows: Sequence[Any] = (),
        keys: Sequence[tuple[Any, Any]] | None = None,
    ) -> dict[str, Any]:
        """The paging object's fields for a page: `keys` are its rows' (sort key, id), read
        from `sorted_rows` (ORM rows of the sorted table) when not given."""
        if keys is None:
            keys = [self.sort.key_of(row) for row in sorted_rows]
        next_link, previous_link = self.links(
            keys, page.offset, page.has_next, page.has_previous, self.sort.name
        )
        return {
            "total": page.total,
            "limit": self.request.limit,
            "offset": page.offset,
            "next": next_link,
            "previous": previous_link,
        }

    def links(
        self,
        keys: Sequence[tuple[Any, Any]],
        offset: int,
        has_next: bool,
        has_previous: bool,
        sort_param: str | None,
    ) -> tuple[str | None, str | None]:
        """`next` and `previous` URLs; `keys` are the (sort key, id) of this page's items."""
        window: keyset.Window[Any] = keyset.Window([], offset, has_next, has_previous)
        return page_links(
            self.codec,
            self.path,
            self.list_identity,
            self.filters,
            self.request.limit,
            keys,
            window,
            sort_param,
        )


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
    if window.has_next and keys:
        key, row_id = keys[-1]
        position = Position(key, str(row_id), offset + len(keys), False)
        cursor = codec.encode(list_identity, filters, position)
        next_link = _link(path, {**params, "cursor": cursor})
    if window.has_previous:
        if keys:
            key, row_id = keys[0]
            cursor = codec.encode(list_identity, filters, Position(key, str(row_id), offset, True))
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
    codec = CursorCodec(request.app.state.settings.secret_key.get_secret_value())
    return ListPaging(codec, request.url.path, sort, filters, page)


def pager_for(
    request: Request,
    page: PageRequest,
    sort: SortKey,
    counts: ListCounts | None = None,
    **filters: object,
) -> Pager:
    """The pager of the list at this request's path, signing cursors with `SECRET_KEY`."""
    codec = CursorCodec(request.app.state.settings.secret_key.get_secret_value())
    return Pager(codec, request.url.path, sort, filters, page, counts)
