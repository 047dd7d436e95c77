"""
Events award on MySQL and MariaDB whatever the collations of the database, its tables and the connection.

An operator's database may be created ``utf8mb4_unicode_ci`` while the driver's connection speaks
``utf8mb4_general_ci``; a table converted later may differ from the others. The candidate lookup compares a badge
class's uuid, as text, with the ``target`` text of ``badge_earned`` requirements (``engine.uuid_as_text``): with two
implicit collations MariaDB refuses the comparison (error 1267, "Illegal mix of collations") and no event awarded
anything. Here the ``target`` column is given each collation in turn, and the connection each collation in turn, and a
learner's passing event must award the course's badge and the meta-badge that requires it, end to end.

MySQL and MariaDB only (the tiers with ``CITIES_NETWORK_TEST_DB=mysql``): SQLite has no collations of this kind.
"""
import pytest
from django.db import connection

from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award, Requirement

from .conftest import COURSE, send_passing

COLLATIONS = ["utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_bin"]
PASS = {"kind": "course_passed", "target": COURSE}


@pytest.fixture
def mysql_only():
    if connection.vendor != "mysql":
        pytest.skip("collations: the MySQL/MariaDB tiers only (CITIES_NETWORK_TEST_DB=mysql)")


def _column(table: str, column: str) -> tuple[str, str, str]:
    """(type, nullability, collation) of a column, as the server has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME FROM information_schema.COLUMNS "
                       "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND COLUMN_NAME = %s", [table, column])
        return cursor.fetchone()


def _set_collation(table: str, column: str, collation: str) -> None:
    column_type, nullable, _ = _column(table, column)
    null = "NULL" if nullable == "YES" else "NOT NULL"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} MODIFY {column} {column_type} CHARACTER SET utf8mb4 "
                       f"COLLATE {collation} {null}")


@pytest.fixture(params=COLLATIONS)
def target_collation(request, mysql_only):  # pylint: disable=unused-argument
    """The requirements' ``target`` column in one collation for the test, then as it was."""
    table = Requirement._meta.db_table
    original = _column(table, "target")[2]
    _set_collation(table, "target", request.param)
    yield request.param
    _set_collation(table, "target", original)


@pytest.fixture
def connection_collation():
    """Sets the session's connection collation (``SET NAMES``) for the rest of the test, then puts it back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@character_set_connection, @@collation_connection")
        charset, collation = cursor.fetchone()

    def _set(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SET NAMES utf8mb4 COLLATE {name}")
    yield _set
    with connection.cursor() as cursor:
        cursor.execute(f"SET NAMES {charset} COLLATE {collation}")


@pytest.mark.django_db(transaction=True)
def test_events_award_whatever_the_collations(target_collation, connection_collation, make_class, make_user):
    first = make_class([{"requirements": [PASS]}], name="Bike mechanic")
    meta = make_class([{"requirements": [{"kind": "badge_earned", "target": str(first.uuid)}]}], name="Master")
    assert _column(Requirement._meta.db_table, "target")[2] == target_collation
    for n, collation in enumerate(COLLATIONS):
        connection_collation(collation)
        engine.forget_definitions()
        [candidate] = engine.candidate_classes([("course_passed", COURSE)])
        assert candidate.pk == first.pk
        assert candidate.counted_by_active, f"the meta-badge's requirement was not matched ({collation})"
        learner = make_user(f"learner{n}")
        send_passing(learner)  # no surrounding transaction: the receiver's on_commit runs the task at once
        assert set(Award.objects.filter(user=learner).values_list("badge_class", flat=True)) == {first.pk, meta.pk}, (
            f"target column {target_collation}, connection {collation}")
