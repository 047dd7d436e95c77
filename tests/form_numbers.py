"""What the tests of the admin's and the console's forms ask of a field that reads a number (``columns``)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from cities_network_plugin import columns

RANGES = BaseDatabaseOperations.integer_field_ranges


def unbounded(field: forms.Field, column: models.Field | None) -> str:
    """
    What is wrong with how ``field`` reads a number into ``column`` ("" if nothing): a record chosen by id must be
    an ``Id…ChoiceField``, an integer bounded within its column's portable range (64 bits where no column is known).
    """
    if isinstance(field, forms.ModelChoiceField):
        if isinstance(field, (columns.IdChoiceField, columns.IdMultipleChoiceField)):
            return ""
        return f"{type(field).__name__} looks any number up (use columns.IdChoiceField)"
    if not isinstance(field, forms.IntegerField) or isinstance(field, (forms.FloatField, forms.DecimalField)):
        return ""
    kind = column.get_internal_type() if isinstance(column, models.IntegerField) else "BigIntegerField"
    low, high = RANGES[kind]
    if field.min_value is None or field.min_value < low or field.max_value is None or field.max_value > high:
        return f"reads {field.min_value}..{field.max_value}, the column holds {low}..{high} (use columns)"
    return ""


def column_of(model: type[models.Model] | None, name: str) -> models.Field | None:
    """The model field a form field of that name reads into (None for a field of the form's own)."""
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
