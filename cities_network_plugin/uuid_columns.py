"""
The plugin's uuid columns that Django 4.2 created as ``char(32)`` on MariaDB, turned into MariaDB's ``uuid`` type.

From Django 5.0, on MariaDB 10.7 and later, a ``UUIDField`` is a native ``uuid`` column, and Django sends its values
as ``8-4-4-4-12`` text: a ``char(32)`` column made under Django 4.2 can neither hold them (error 1406, "Data too long",
on the first badge class or award created) nor match them. An Open edX moving from a Django 4.2 release to a Django
5.2 one on MariaDB keeps its tables as they were, and Django migrates nothing by itself (its 5.0 release notes leave
it to each project). So after every ``migrate`` of the plugin (``post_migrate``, which the platform's upgrade runs),
such columns of the plugin's own tables are converted with ``ALTER TABLE … MODIFY … uuid``: MariaDB reads the 32
digits as the same uuids, and keeps the columns' indexes and unique constraints. Nothing happens on MySQL (no uuid
type), PostgreSQL (native from the start), SQLite, or under Django 4.2 (which expects ``char(32)``).
"""
from __future__ import annotations

import logging

from django.apps import apps
from django.db import connections

log = logging.getLogger(__name__)
APP_LABEL = "cities_network_plugin"


def _uuid_fields() -> dict[tuple[str, str], bool]:
    """(table, column) → nullable, for every concrete ``UUIDField`` of the plugin's models."""
    found = {}
    for model in apps.get_app_config(APP_LABEL).get_models():
        for field in model._meta.concrete_fields:  # pylint: disable=protected-access
            if field.get_internal_type() == "UUIDField":
                found[(model._meta.db_table, field.column)] = field.null  # pylint: disable=protected-access
    return found


def stale_columns(using: str = "default") -> list[tuple[str, str, bool]]:
    """The plugin's uuid columns still ``char(32)`` where Django expects a native ``uuid``: (table, column, null)."""
    connection = connections[using]
    if connection.vendor != "mysql" or not connection.features.has_native_uuid_field:
        return []
    fields = _uuid_fields()
    with connection.cursor() as cursor:
        cursor.execute("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS "
                       "WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE = 'char'")
        rows = cursor.fetchall()
    return sorted((table, column, fields[(table, column)]) for table, column in rows if (table, column) in fields)


def convert(using: str = "default") -> list[tuple[str, str, bool]]:
    """Convert the stale columns (one ``ALTER TABLE`` per table); returns what was converted."""
    stale = stale_columns(using)
    connection = connections[using]
    quote = connection.ops.quote_name
    by_table: dict[str, list[str]] = {}
    for table, column, null in stale:
        by_table.setdefault(table, []).append(f"MODIFY {quote(column)} uuid {'NULL' if null else 'NOT NULL'}")
    with connection.cursor() as cursor:
        for table, changes in by_table.items():
            cursor.execute(f"ALTER TABLE {quote(table)} {', '.join(changes)}")
    return stale


def after_migrate(sender, using="default", verbosity=1, **kwargs):  # pylint: disable=unused-argument
    """``post_migrate`` receiver of the plugin's app: convert what Django 4.2 left behind, and say so."""
    converted = convert(using)
    if converted:
        names = ", ".join(f"{table}.{column}" for table, column, _ in converted)
        message = f"Cities Network: {len(converted)} char(32) uuid column(s) made MariaDB uuids for Django 5: {names}"
        if verbosity:
            print(f"  {message}")
        else:
            log.warning(message)
