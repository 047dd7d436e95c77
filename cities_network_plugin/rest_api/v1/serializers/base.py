"""
What every v1 serializer shares: integers bounded by the column they are stored in, ids bounded by the range of an
id, and web addresses that are URIs (``format: uri``).

Django gives a model's integer field the range of its column only where the database reports one: on MariaDB a
``PositiveIntegerField`` refuses -5 with a 400, on SQLite (no ranges) the row reached the database and its CHECK
constraint or the driver's ``OverflowError`` answered 500, and values past 2**63 did so everywhere. ``ModelSerializer``
bounds every integer it derives from a model by Django's portable range of the column type (the narrowest of the
databases Django supports, so MariaDB's wider unsigned ranges are not promised: ``columns``, the rule the admin
and the console forms follow too), and every related id by the range of an id, whatever the database. Declared
fields use ``IdRelatedField`` and ``UriField`` for the same rules.
"""
from __future__ import annotations

from django.db import models
from rest_framework import serializers

from ....columns import bounded, column_range
from ....uris import validate_uri
from ....url_converters import MAX_ID

__all__ = ["IdRelatedField", "ModelSerializer", "UriField", "column_range", "validate_uri"]


def id_field() -> serializers.IntegerField:
    """An id as a request gives it: a positive integer of an id's range (a larger one names nothing)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by its integer id; an id out of an id's range is a 400 naming the field, not a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", id_field())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        self.pk_field.run_validation(data)  # its bounds: DRF calls only the pk field's to_internal_value, unbounded
        return super().to_internal_value(data)


class UriField(serializers.URLField):
    """A web address that is also an RFC 3986 URI, as the schema's ``format: uri`` says (``uris.validate_uri``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_uri)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ``ModelSerializer`` with the rules above for the fields it derives from the model."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.URLField: UriField}

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.IntegerField) and not field_kwargs.get("read_only"):
            field_kwargs = bounded(model_field, field_kwargs)
        return field_class, field_kwargs

    def build_relational_field(self, field_name, relation_info):
        field_class, field_kwargs = super().build_relational_field(field_name, relation_info)
        pk = relation_info.related_model._meta.pk
        if field_class is serializers.PrimaryKeyRelatedField and isinstance(pk, models.IntegerField):
            field_class = IdRelatedField
        return field_class, field_kwargs
