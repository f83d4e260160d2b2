"""Statements over many rows: an executemany at the driver's speed, and the cutting of long
`IN (...)` lists.

`session.execute(statement, rows)` makes SQLAlchemy build and convert every parameter of every
row: for 100,000 hosts that is most of an import's time. Here the statement is compiled once,
each parameter's converter (timestamps, enums) runs once per distinct value, and the driver's
executemany gets plain tuples. Same SQL, same stored values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Insert, Update

_CHUNK = 5_000  # bound on IN (...) lists: SQLite and asyncpg both cap bound parameters

_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterable[Sequence[_T]]:
    """`items` cut in slices of at most `size`, in order: one query each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def execute_many(
    session: AsyncSession,
    statement: Insert | Update | Delete,
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Run `statement` once for each of `rows` (all with the same keys), as
    ``session.execute(statement, rows)`` would. A parameter missing from the rows (a column
    default, say) or a driver with named parameters takes that ordinary path instead."""
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    compiled = statement.compile(dialect=dialect, column_keys=keys, for_executemany=True)
    names = compiled.positiontup
    if not compiled.positional or names is None:
        await session.execute(statement, rows)
        return
    converters: list[tuple[str, Callable[[Any], Any] | None]] = []
    for name in names:
        bind = compiled.binds.get(name)
        if bind is None or name not in rows[0]:
            await session.execute(statement, rows)
            return
        converters.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect)))
    columns: list[list[Any]] = []
    for name, convert in converters:
        values = [row[name] for row in rows]
        columns.append(values if convert is None else _converted(values, convert))
    await connection.exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))


def _converted(values: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """`convert` of each value, computed once per distinct value (keyed with its class, so
    that 1 and True stay apart); unhashable values (JSON) are converted each time."""
    done: dict[tuple[type, Any], Any] = {}
    out = []
    for value in values:
        try:
            key = (value.__class__, value)
            result = done[key] if key in done else done.setdefault(key, convert(value))
        except TypeError:
            result = convert(value)
        out.append(result)
    return out
