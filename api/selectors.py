"""Reads on the hot path of GET /api/items/."""

import weakref
from datetime import datetime
from typing import NamedTuple

from django.db import connections, router

from api.models import Item


class ItemRow(NamedTuple):
    """An item as the list shows it: what ItemSerializer writes out."""

    id: int
    name: str
    description: str
    created_at: datetime
    updated_at: datetime


class ItemRows:
    """
    A user's items, as CursorPagination reads a page of them, without the
    ORM: the pagination orders them (newest first, or the reverse for a
    cursor that goes back), may keep those before or after a position, and
    slices one page plus one.

    Through the ORM, building and compiling that query cost ten times what
    running it does, and a model instance for each row as much again. Here
    the statement is written out once per connection, as the session lookup
    is (accounts/selectors.py), with named parameters, and each row is an
    ItemRow. Any other ordering or filter is a KeyError: CursorPagination
    asks for none.
    """

    _directions = {("-created_at", "-id"): "DESC", ("created_at", "id"): "ASC"}
    _comparisons = {"created_at__lt": "<", "created_at__gt": ">"}

    def __init__(self, owner_id: int, *, direction="DESC", bound=None):
        self.owner_id = owner_id
        self.direction = direction
        self.bound = bound  # (comparison, position) or None

    def order_by(self, *ordering: str) -> "ItemRows":
        direction = self._directions[ordering]
        return ItemRows(self.owner_id, direction=direction, bound=self.bound)

    def filter(self, **lookup) -> "ItemRows":
        ((name, position),) = lookup.items()
        bound = (self._comparisons[name], position)
        return ItemRows(self.owner_id, direction=self.direction, bound=bound)

    def __getitem__(self, window: slice) -> list[ItemRow]:
        return _item_rows(
            owner_id=self.owner_id,
            direction=self.direction,
            bound=self.bound,
            offset=window.start or 0,
            limit=window.stop - (window.start or 0),
        )


def _item_rows(*, owner_id, direction, bound, offset, limit) -> list[ItemRow]:
    alias = router.db_for_read(Item)
    connection = connections[alias]
    statements = _statements_for(connection)
    comparison, params = None, {"owner": owner_id, "limit": limit, "offset": offset}
    if bound is not None:
        comparison, position = bound
        params["position"] = statements.created_at.get_db_prep_value(
            position, connection
        )
    with connection.cursor() as cursor:
        cursor.execute(statements.sql(direction, comparison), params)
        rows = cursor.fetchall()
    converters = statements.converters
    if not converters:
        return [ItemRow._make(row) for row in rows]
    items = []
    for row in rows:
        values = list(row)
        for index, column, functions in converters:
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        items.append(ItemRow._make(values))
    return items


class _Statements:
    """The list's SQL and how to convert its rows, for one connection."""

    def __init__(self, connection):
        self.quote = connection.ops.quote_name
        self.fields = [Item._meta.get_field(name) for name in ItemRow._fields]
        self.created_at = Item._meta.get_field("created_at")
        self._sql = {}
        # What the ORM's compiler would apply to each column (on SQLite, for
        # example, naive datetimes become aware ones).
        self.converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(Item._meta.db_table)
            converters = connection.ops.get_db_converters(
                column
            ) + field.get_db_converters(connection)
            if converters:
                self.converters.append((index, column, converters))

    def sql(self, direction: str, comparison: str | None) -> str:
        try:
            return self._sql[direction, comparison]
        except KeyError:
            pass
        quote = self.quote
        columns = ", ".join(quote(field.column) for field in self.fields)
        where = f"{quote('owner_id')} = %(owner)s"
        if comparison is not None:
            where += f" AND {quote(self.created_at.column)} {comparison} %(position)s"
        sql = self._sql[direction, comparison] = (
            f"SELECT {columns} FROM {quote(Item._meta.db_table)}"  # noqa: S608
            f" WHERE {where}"
            f" ORDER BY {quote('created_at')} {direction}, {quote('id')} {direction}"
            " LIMIT %(limit)s OFFSET %(offset)s"
        )
        return sql


# One per connection object (each thread has its own), dropped with it.
_statements: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _statements_for(connection) -> _Statements:
    try:
        return _statements[connection]
    except KeyError:
        statements = _statements[connection] = _Statements(connection)
        return statements
