"""
What an integer column holds, for every layer that reads a number into one: the API's serializers, the Django
admin's forms and the console's.

Django gives a model's integer field the range of its column only where the database reports one. SQLite (on
Django 4.2) reports none: -5 reached its CHECK constraint, 2**63 overflowed its driver (``OverflowError``, in a
lookup such as ``get(pk=2**63)`` as well as in a write), and 2**31 was stored in a column MariaDB would have refused
it in; MariaDB has wider unsigned ranges of its own. The plugin promises Django's *portable* range of each column
type (``BaseDatabaseOperations.integer_field_ranges``, the narrowest of the databases Django supports), the same on
every database (ADR 0019). A number outside it is a form error; an id outside it names nothing.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

__all__ = ["IdChoiceField", "IdMultipleChoiceField", "bounded", "column_range", "holds", "integer_field"]

_RANGES = BaseDatabaseOperations.integer_field_ranges


def column_range(model_field: models.Field) -> tuple[int, int]:
    """The values every supported database stores in ``model_field``'s column (64 bits if Django names none)."""
    return _RANGES.get(model_field.get_internal_type(), _RANGES["BigIntegerField"])


def bounded(model_field: models.Field, kwargs: dict) -> dict:
    """The arguments of an integer field reading into ``model_field``, ``min_value``/``max_value`` within the column."""
    low, high = column_range(model_field)
    given_low, given_high = kwargs.get("min_value"), kwargs.get("max_value")
    return {**kwargs, "min_value": low if given_low is None else max(low, given_low),
            "max_value": high if given_high is None else min(high, given_high)}


def integer_field(model: type[models.Model], name: str, **kwargs) -> forms.IntegerField:
    """A form's integer field for the column ``model.name``: a number it cannot hold is the field's error."""
    return forms.IntegerField(**bounded(model._meta.get_field(name), kwargs))


def holds(model_field: models.Field, value) -> bool:
    """
    Whether ``value`` may be looked up in ``model_field``'s column: True for a number the column holds, False for one
    it cannot, and True for what is no number (the field says what is wrong with it, as before).
    """
    if not isinstance(model_field, models.IntegerField) or isinstance(value, models.Model):
        return True
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return True
    low, high = column_range(model_field)
    return low <= number <= high


def _key_field(queryset, to_field_name: str | None) -> models.Field:
    opts = queryset.model._meta
    return opts.get_field(to_field_name) if to_field_name else opts.pk


class IdChoiceField(forms.ModelChoiceField):
    """A record chosen by its id: an id no column holds is no choice (its lookup would overflow SQLite's driver)."""

    def to_python(self, value):
        if value not in self.empty_values and not holds(_key_field(self.queryset, self.to_field_name), value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Records chosen by their ids, each bounded as ``IdChoiceField``'s."""

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            key = _key_field(self.queryset, self.to_field_name)
            for pk in value:
                if not holds(key, pk):
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super().clean(value)
