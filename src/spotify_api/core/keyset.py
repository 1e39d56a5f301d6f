"""The database side of paging: sort keys, a plain page query, and the window of rows it gives.

Repositories own their lists' sort keys and take a `PageQuery` (which key, where to start,
how many); they return a `Window`. Nothing here knows HTTP, cursors' encoding or links
(`core.paging`), or how big a list is.

A page starts either at an offset (random access; its cost grows with depth) or just past a
row's (sort key, id), forward or back, found by a row-value comparison that PostgreSQL answers
by seeking in the (key, id) index: a page costs what the first page costs, however deep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Integer, Select, bindparam, tuple_
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType, TypeDecorator

T = TypeVar("T")
AnySelect = TypeVar("AnySelect", bound=Select[Any])


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
    """How a list is ordered: one column, then the id to break ties. `name` is what clients
    ask for (`title`, `-created_at`); `field` the answer's field that holds the column."""

    name: str
    column: Any
    id_column: Any
    descending: bool

    @property
    def field(self) -> str:
        return str(self.column.key)

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

    def id_of(self, row_id: str) -> Any | None:
        """A cursor's row id as the id column's type; None if it is not one."""
        id_type = self.id_column.type.python_type
        try:
            return id_type(row_id)
        except (TypeError, ValueError):
            return None

    def order_by(self, *, reverse: bool = False) -> list[Any]:
        descending = self.descending != reverse
        return [c.desc() if descending else c.asc() for c in (self.column, self.id_column)]

    def after(self, *, reverse: bool = False) -> ColumnElement[bool]:
        """Rows strictly past the bound (`key`, `row_id`) in this order (before it, with
        `reverse`), as a row-value comparison: (key, id) > (k, i)."""
        bound = tuple_(
            bindparam("key", type_=self.column.type), bindparam("row_id", type_=self.id_column.type)
        )
        row = tuple_(self.column, self.id_column)
        return row < bound if self.descending != reverse else row > bound


def sorts(id_column: Any, **columns: Any) -> dict[str, SortKey]:
    """Each column ascending under its name, and descending under `-name`."""
    keys = {}
    for name, column in columns.items():
        keys[name] = SortKey(name, column, id_column, False)
        keys[f"-{name}"] = SortKey(f"-{name}", column, id_column, True)
    return keys


@dataclass(frozen=True, slots=True)
class PageQuery:
    """One page of a list: its order, and either an offset or a bound row to start past
    (`key`, `row_id`; backward: the rows before it, nearest last)."""

    sort: SortKey
    limit: int
    offset: int = 0
    key: Any = None
    row_id: Any = None
    backward: bool = False
    #: With a bound: how many items precede it, for the page's offset.
    passed: int = 0

    @property
    def bounded(self) -> bool:
        return self.row_id is not None

    @property
    def shape(self) -> tuple[str, str]:
        """What a statement for this page depends on (its values are parameters)."""
        mode = "offset" if not self.bounded else ("before" if self.backward else "after")
        return self.sort.name, mode

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": self.limit + 1}
        if self.bounded:
            params.update(key=self.key, row_id=self.row_id)
        else:
            params["offset"] = self.offset
        return params


def restrict(query: AnySelect, sort: SortKey, mode: str) -> AnySelect:
    """`query` limited to a page of this order and mode (`offset`, `after` a bound, `before`
    it), one row more to tell whether more follow. The values are parameters, which
    `PageQuery.params()` gives: one statement serves every page of its shape."""
    backward = mode == "before"
    if mode == "offset":
        query = query.offset(_param("offset"))
    else:
        query = query.where(sort.after(reverse=backward))
    return query.order_by(*sort.order_by(reverse=backward)).limit(_param("limit"))


def _param(name: str) -> BindParameter[int]:
    return bindparam(name, type_=Integer())


@dataclass(frozen=True, slots=True)
class Window(Generic[T]):
    """The rows of one page, in list order, and where the page stands in the whole list."""

    rows: list[T]
    offset: int
    has_next: bool
    has_previous: bool


def window(rows: Sequence[T], page: PageQuery) -> Window[T]:
    """The page's rows in list order (from the rows `restrict` selected)."""
    more = len(rows) > page.limit
    items = list(rows[: page.limit])
    if not page.bounded:
        return Window(items, page.offset, more, page.offset > 0)
    if page.backward:
        items.reverse()
        return Window(items, max(page.passed - len(items), 0), True, more)
    return Window(items, page.passed, more, True)
