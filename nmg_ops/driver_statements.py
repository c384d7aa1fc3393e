"""Statements that run once per mail of a large send, handed to the database driver directly.

An e-news issue to 5,000 addresses runs two statements per mail: the last check of the address's consent
and the record of its outcome. Through SQLAlchemy each cost about 0.25 ms of Python around 0.05 ms of
database work, a tenth of the whole send on a machine whose mail server answers fast. Here a Core
statement is compiled once per dialect, its values converted by the same type processors SQLAlchemy
would apply (so a date is stored exactly as everywhere else), and run on the connection's own driver
cursor. Errors come back as SQLAlchemy's, so that `busy_database.retry_when_locked` reads them as usual.

A statement run here is outside SQLAlchemy's view of the connection's transaction: the caller commits
or rolls back with `commit` and `rollback` below, on the driver.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


@dataclass(frozen=True)
class _Prepared:
    sql: str
    #: the parameters' names in the order of the placeholders; None when the driver takes them by name
    order: tuple[str, ...] | None
    defaults: Mapping[str, Any]
    processors: Mapping[str, Callable[[Any], Any]]


@functools.cache
def _prepared(statement: sa.Executable, dialect: Dialect) -> _Prepared:
    compiled = statement.compile(dialect=dialect)
    # Names the driver could not take as they are, and lists expanded at each run, are not needed here.
    assert not compiled.escaped_bind_names and not compiled.post_compile_params, compiled.string
    defaults, processors = {}, {}
    for bind, name in compiled.bind_names.items():
        if not bind.required:
            defaults[name] = bind.effective_value
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    order = tuple(compiled.positiontup) if compiled.positional else None
    return _Prepared(compiled.string, order, defaults, processors)


def _driver(connection: sa.Connection) -> Any:
    return connection.connection.driver_connection


def run(connection: sa.Connection, statement: sa.Executable, values: Mapping[str, Any]) -> list[tuple]:
    """Run `statement` with `values` on the connection's driver; the rows it returns, if any."""
    prepared = _prepared(statement, connection.dialect)
    merged = {**prepared.defaults, **values}
    for name, processor in prepared.processors.items():
        merged[name] = processor(merged[name])
    parameters = tuple(merged[name] for name in prepared.order) if prepared.order is not None else merged
    cursor = _driver(connection).cursor()
    try:
        cursor.execute(prepared.sql, parameters)
        return cursor.fetchall() if cursor.description is not None else []
    except connection.dialect.loaded_dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(
            prepared.sql, parameters, exc, connection.dialect.loaded_dbapi.Error
        ) from exc
    finally:
        cursor.close()


def commit(connection: sa.Connection) -> None:
    try:
        _driver(connection).commit()
    except connection.dialect.loaded_dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance("COMMIT", (), exc, connection.dialect.loaded_dbapi.Error) from exc


def rollback(connection: sa.Connection) -> None:
    _driver(connection).rollback()
