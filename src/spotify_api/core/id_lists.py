"""A list of ids as one bound parameter, `:ids`, so that one statement serves lists of any
length (the compiled statements of `core.reads` take no expanding IN): a UUID array on
PostgreSQL (`= ANY(:ids)`), a JSON array read by `json_each` on SQLite."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Select, Uuid, bindparam, func, select


def _array() -> Any:
    return bindparam("ids", type_=ARRAY(Uuid()))


def listed(postgres: bool) -> Select[Any]:
    """The ids of `:ids`, in their order, as rows of one column, `value`."""
    if postgres:
        return select(func.unnest(_array()).label("value"))
    return select(func.json_each(bindparam("ids")).table_valued("value").c.value)


def among(column: Any, postgres: bool) -> ColumnElement[bool]:
    """`column` is one of the ids of `:ids` (give them with `id_list`)."""
    chosen: ColumnElement[bool] = (
        column == func.any(_array()) if postgres else column.in_(listed(False))
    )
    return chosen


def id_list(ids: Sequence[uuid.UUID], postgres: bool) -> Any:
    """The value of `:ids` for `among` and `listed`: SQLite stores a UUID as its 32 hex digits."""
    return list(ids) if postgres else json.dumps([value.hex for value in ids])
