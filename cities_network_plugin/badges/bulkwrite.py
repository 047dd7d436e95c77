"""
Multi-row INSERTs straight from values, for the backfill: ``bulk_create`` builds a model instance and compiles
every value of every row through the query compiler, which costs more than the database's own work on a
100,000-row backfill. Here each value goes only through its field's ``get_db_prep_save`` (so JSON, dates and
uuids are stored exactly as the ORM stores them), and the rows go in batches: on MySQL/MariaDB as multi-row
``INSERT … VALUES (…), (…)`` written here (``_mysql_sender``), elsewhere with ``executemany`` (SQLite runs one
prepared statement). Used by the backfill and by the report's summaries (``add``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Model
from django.db.models.constants import OnConflict

# Values of these fields go to the driver as they are (what their ``get_db_prep_save`` would return anyway).
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def _memo(prepare):
    """Dates repeat (a backfill stamps its whole batch with one time): prepare each distinct one once."""
    seen = {}

    def prepared(value, connection):
        if value not in seen:
            seen[value] = prepare(value, connection)
        return seen[value]

    return prepared


def insert(model: type[Model], names: Sequence[str], rows: Iterable[Sequence], batch_size: int = 1000,
           update: Sequence[str] = (), unique: Sequence[str] = (), prepared: Sequence[str] = ()) -> int:
    """
    Insert ``rows`` (values in the order of the field ``names``); with ``update``, a row whose ``unique`` fields
    are taken updates those fields of the existing row instead (``ON CONFLICT … DO UPDATE`` or
    ``ON DUPLICATE KEY UPDATE``). The values of the fields named in ``prepared`` are database values already
    (``prepare(model, name, value)`` made them). Returns how many rows were sent.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy: it is asked per value
    meta = model._meta  # pylint: disable=protected-access
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if update:
        suffix = connection.ops.on_conflict_suffix_sql(
            fields, OnConflict.UPDATE, [meta.get_field(n).column for n in update],
            [meta.get_field(n).column for n in unique])
        sql = f"{sql} {suffix}"
    # Only the columns whose values need preparing are touched, row by row (most go to the driver as they are).
    prepare = [(index, _memo(f.get_db_prep_save) if isinstance(f, models.DateTimeField) else f.get_db_prep_save)
               for index, f in enumerate(fields) if not isinstance(f, _AS_IS) and f.name not in prepared]
    width = len(fields)

    def prepared_row(row):
        if len(row) != width:
            raise ValueError(f"{model.__name__} rows need {width} values ({', '.join(names)}), not {len(row)}")
        if not prepare:
            return row
        row = list(row)
        for index, prep in prepare:
            row[index] = prep(row[index], connection)
        return row

    return _write(connection, sql, map(prepared_row, rows), batch_size)


def _write(connection, sql: str, rows: Iterable[Sequence], batch_size: int) -> int:
    """Send ``rows`` (database values) through ``sql``, an ``INSERT … VALUES (%s, …)``, in batches: how many."""
    sent, chunk = 0, []
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            flush = _mysql_sender(connection, cursor, sql)
        else:
            def flush(chunk):
                cursor.executemany(sql, chunk)
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch_size:
                flush(chunk)
                sent, chunk = sent + len(chunk), []
        if chunk:
            flush(chunk)
            sent += len(chunk)
    return sent


_MYSQL_STATEMENT_CHARS = 512 * 1024  # well under the smallest max_allowed_packet a server ships with (1 MiB)


def _mysql_sender(connection, cursor, sql: str):
    """
    MySQL/MariaDB: send rows as multi-row ``INSERT … VALUES (…), (…)`` written here rather than by the driver's
    ``executemany``, which turns every value into SQL through a Python call of its own (a third of a backfill's
    time). Text and other values still go through the driver's own ``literal`` (its escaping, for the connection's
    character set), once per distinct value in a call; integers, booleans and NULL are written directly. The
    statement text is sent with no parameters, so nothing in it is read as a placeholder.
    """
    prefix, _, rest = sql.partition(" VALUES (")
    suffix = rest.partition(")")[2]
    driver = connection.connection
    encoding = driver.encoding
    memo: dict = {}

    def text(value) -> str:
        kind = type(value)
        if kind is int:
            return str(value)
        if kind is bool:
            return "1" if value else "0"
        if value is None:
            return "NULL"
        try:
            written = memo.get(value)
        except TypeError:  # not hashable: written each time
            return driver.literal(value).decode(encoding)
        if written is None:
            written = memo[value] = driver.literal(value).decode(encoding)
        return written

    def send(rows) -> None:
        if len(memo) > 50_000:
            memo.clear()
        parts, size = [], 0
        for row in rows:
            values = f"({','.join(map(text, row))})"
            if parts and size + len(values) > _MYSQL_STATEMENT_CHARS:
                cursor.execute(f"{prefix} VALUES {','.join(parts)}{suffix}")
                parts, size = [], 0
            parts.append(values)
            size += len(values) + 1
        if parts:
            cursor.execute(f"{prefix} VALUES {','.join(parts)}{suffix}")

    return send


def prepare(model: type[Model], name: str, value):
    """``value`` as the database stores it in the field ``name``: for values prepared once and sent many times."""
    return model._meta.get_field(name).get_db_prep_save(value, connections[DEFAULT_DB_ALIAS])  # pylint: disable=protected-access


def add(model: type[Model], keys: Sequence[str], counts: Sequence[str], rows: Iterable[Sequence],
        fixed: Sequence[str] = (), batch_size: int = 1000) -> int:
    """
    Add to counters: each row is the values of the ``keys`` fields (unique together), of the ``fixed`` fields,
    then of the ``counts`` fields; a row whose keys exist adds its counts to the stored ones (its fixed fields
    stay as stored), otherwise it is inserted as it is. Returns how many rows were sent.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta  # pylint: disable=protected-access
    quote = connection.ops.quote_name
    key_columns = [quote(meta.get_field(n).column) for n in keys]
    fixed_columns = [quote(meta.get_field(n).column) for n in fixed]
    count_columns = [quote(meta.get_field(n).column) for n in counts]
    table = quote(meta.db_table)
    columns = ", ".join(key_columns + fixed_columns + count_columns)
    marks = ", ".join(["%s"] * (len(keys) + len(fixed) + len(counts)))
    if connection.vendor == "mysql":
        adding = ", ".join(f"{c} = {c} + VALUES({c})" for c in count_columns)
        suffix = f"ON DUPLICATE KEY UPDATE {adding}"
    else:  # SQLite and PostgreSQL
        adding = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in count_columns)
        suffix = f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {adding}"
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) {suffix}"  # noqa: S608 - names quoted, values bound
    fields = [meta.get_field(n) for n in (*keys, *fixed, *counts)]
    return _write(connection, sql, ([f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
                                    for row in rows), batch_size)
