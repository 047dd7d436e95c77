"""
The plugin's uuid columns follow Django onto MariaDB's native uuid type (``uuid_columns``): tables created under
Django 4.2 (``char(32)``) stop every write under Django 5, and ``migrate`` converts them, keeping the data.

MySQL/MariaDB tiers only. Under Django 4.2 (``char(32)`` expected) nothing is stale; under Django 5 on MariaDB 10.7+
the test turns one column back into what Django 4.2 made, and ``migrate``'s receiver must convert it.
"""
import pytest
from django.core.management import call_command
from django.db import connection

from cities_network_plugin import uuid_columns
from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import BadgeClass

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = BadgeClass._meta.db_table


@pytest.fixture
def mysql_only():
    if connection.vendor != "mysql":
        pytest.skip("uuid columns: the MySQL/MariaDB tiers only (CITIES_NETWORK_TEST_DB=mysql)")


def _data_type(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = %s AND COLUMN_NAME = %s", [table, column])
        return cursor.fetchone()[0]


def _as_django_42_made_it(table: str, column: str) -> None:
    """The column as Django 4.2 created it on MariaDB: 32 hex digits, no dashes."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} MODIFY {column} char(36) NOT NULL")
        cursor.execute(f"UPDATE {table} SET {column} = REPLACE({column}, '-', '')")  # noqa: S608 - model names
        cursor.execute(f"ALTER TABLE {table} MODIFY {column} char(32) NOT NULL")


def _badge(city, name):
    return badges_api.create_class(city, {"name": name, "description": "d", "criteria_narrative": "c",
                                          "status": "draft", "groups": [{"requirements": [{"kind": "manual"}]}]})


def test_nothing_is_stale_where_django_expects_what_it_made(mysql_only):  # pylint: disable=unused-argument
    if connection.features.has_native_uuid_field:
        pytest.skip("this Django uses MariaDB's uuid type: see the conversion test")
    assert _data_type(TABLE, "uuid") == "char"
    assert uuid_columns.stale_columns() == []


def test_migrate_converts_columns_django_42_made_and_keeps_the_data(mysql_only, city_a):  # pylint: disable=unused-argument
    if not connection.features.has_native_uuid_field:
        pytest.skip("Django 4.2 keeps char(32) uuid columns on MariaDB: nothing to convert")
    before = _badge(city_a, "Made before the upgrade")
    _as_django_42_made_it(TABLE, "uuid")
    assert uuid_columns.stale_columns() == [(TABLE, "uuid", False)]
    with pytest.raises(Exception, match="Data too long"):  # what an upgraded platform met on its first write
        _badge(city_a, "Made after the upgrade, before migrate")

    call_command("migrate", verbosity=0)

    assert _data_type(TABLE, "uuid") == "uuid" and uuid_columns.stale_columns() == []
    assert BadgeClass.objects.get(uuid=before.uuid).name == "Made before the upgrade"
    after = _badge(city_a, "Made after migrate")
    assert BadgeClass.objects.get(uuid=after.uuid) == after
