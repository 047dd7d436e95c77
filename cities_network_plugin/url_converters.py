"""
The path converter of every id in the plugin's URLs: ``<cities_network_id:pk>``.

Django's ``int`` converter takes any number of digits, and an id beyond what an id column holds reached the database:
SQLite raised ``OverflowError`` under Django 4.2 (a 500), where MariaDB found nothing. This converter does not match a
number larger than the largest id (the top of ``BigAutoField``, on every database), so such a path is not found, on
SQLite and MariaDB alike, before any view runs. Registered under a name of the plugin's own: converters are global
to the process, and the platform's URLs keep Django's ``int``.
"""
from django.db.backends.base.operations import BaseDatabaseOperations
from django.urls import register_converter

NAME = "cities_network_id"
MAX_ID = BaseDatabaseOperations.integer_field_ranges["BigAutoField"][1]  # 2**63 - 1


class IdConverter:
    """A positive id: digits, at most ``MAX_ID``."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is larger than any id")  # no match: the resolver answers 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, NAME)
