"""
Integers out of range never reach the database: every integer a serializer takes is bounded by the range of the
column it is stored in (the same range on SQLite, which checks none, and on MariaDB), every id a serializer takes is
an id's range, and every integer in a URL path is read by the plugin's bounded converter. Out of range, the API
answers 400 naming the field, or 404 for a path, and writes nothing.
"""
from __future__ import annotations

import json
import re
import uuid

import pytest
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers
from rest_framework.test import APIClient

from cities_network_plugin.onboarding.models import ImpactReview
from cities_network_plugin.opportunities.models import Opportunity, Playlist
from cities_network_plugin.rest_api.v1.serializers import badges, courses, onboarding, opportunities, tenancy, webhooks
from cities_network_plugin.rest_api.v1.views import attendance
from cities_network_plugin.tenancy.models import Stakeholder

from tests.openapi_schema import schema

API = "/cities-network/api/v1/cities/alpha"
RANGES = BaseDatabaseOperations.integer_field_ranges
ID_RANGE = (1, RANGES["BigAutoField"][1])
TOO_BIG = [2 ** 31, 2 ** 63, 2 ** 64, 2 ** 70]


# --- Every integer field of every serializer ---------------------------------------------------------------------

def input_serializers() -> set[str]:
    """The serializers the API reads requests with: those the schema has a request component of."""
    names = schema()["components"]["schemas"]
    return {name.removeprefix("Patched").removesuffix("Request") + "Serializer" for name in names
            if name.endswith("Request")}


def integer_fields():
    """(serializer.field, field, the model field it writes or None) for every integer the API reads in requests."""
    found = []
    inputs = input_serializers()

    def walk(serializer, label: str):
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        for name, field in serializer.fields.items():
            if field.read_only:
                continue
            if isinstance(field, serializers.ListSerializer):
                field = field.child
            if isinstance(field, serializers.Serializer):
                walk(field, f"{label}.{name}")
            elif isinstance(field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)):
                model_field = None
                if model is not None and field.source != "*":
                    model_field = model._meta.get_field(field.source.split(".")[0])
                found.append((f"{label}.{name}", field, model_field))

    for module in (badges, courses, onboarding, opportunities, tenancy, webhooks, attendance):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, serializers.Serializer) \
                    and value.__module__ == module.__name__ and value.__name__ in inputs:
                walk(value(context={"city": None}), value.__name__)
    return found


INTEGERS = integer_fields()


def test_the_api_takes_integers_to_check():
    labels = {label for label, _, _ in INTEGERS}
    assert {"ImpactReviewSerializer.learners_reached", "PlaylistSerializer.min_optional",
            "OpportunitySerializer.organiser"} <= labels


@pytest.mark.parametrize(("label", "field", "model_field"), INTEGERS, ids=[label for label, _, _ in INTEGERS])
def test_every_integer_the_api_takes_is_bounded_by_its_column(label, field, model_field):  # noqa: ARG001
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        field = field.pk_field
        assert field is not None, "an id is read as a bounded integer"
        low, high = ID_RANGE
    elif model_field is not None:
        low, high = RANGES[model_field.get_internal_type()]
    else:
        low, high = RANGES["BigIntegerField"]
    assert field.min_value is not None and field.min_value >= low
    assert field.max_value is not None and field.max_value <= high


# --- What the answers are ----------------------------------------------------------------------------------------

@pytest.fixture
def client(admin_a):
    client = APIClient()
    client.force_authenticate(admin_a)
    return client


def refused(response, *path) -> str:
    """The 400's message at ``path`` (field names and list indexes) of the error body."""
    assert response.status_code == 400, response.content
    body = response.json()
    for key in path:
        body = body[key]
    assert isinstance(body, list) and body[0]
    return body[0]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-5, -1, *TOO_BIG])
def test_learners_reached_out_of_range_is_refused(client, value):
    response = client.post(f"{API}/impact-reviews/", {"reviewed_on": "2026-01-01", "summary": "s",
                                                      "learners_reached": value}, format="json")
    message = refused(response, "learners_reached")
    assert "greater than or equal to 0" in message or "less than or equal to 2147483647" in message
    assert not ImpactReview.objects.exists()


@pytest.mark.django_db
def test_learners_reached_up_to_the_column_is_taken(client):
    response = client.post(f"{API}/impact-reviews/", {"reviewed_on": "2026-01-01", "summary": "s",
                                                      "learners_reached": 2147483647}, format="json")
    assert response.status_code == 201, response.content
    assert ImpactReview.objects.get().learners_reached == 2147483647


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-1, 32768, *TOO_BIG])
def test_min_optional_out_of_range_is_refused_on_create_and_change(client, city_a, value):
    refused(client.post(f"{API}/playlists/", {"title": "t", "min_optional": value}, format="json"), "min_optional")
    assert not Playlist.objects.exists()
    playlist = Playlist.objects.create(city=city_a, title="Fix it", min_optional=0)
    refused(client.patch(f"{API}/playlists/{playlist.uuid}/", {"min_optional": value}, format="json"), "min_optional")
    playlist.refresh_from_db()
    assert playlist.min_optional == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, -1, *TOO_BIG])
def test_an_organiser_id_out_of_range_is_refused(client, city_a, value):
    Stakeholder.objects.create(city=city_a, name="Library", kind="community")
    response = client.post(f"{API}/opportunities/", {"title": "t", "organiser": value}, format="json")
    refused(response, "organiser")
    assert not Opportunity.objects.exists()


# --- Integers in paths -------------------------------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def plugin_routes() -> list[str]:
    """Every URL pattern of the plugin (its namespace), as route text."""
    found = []

    def walk(patterns, prefix: str, inside: bool):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text, inside or pattern.namespace == "cities_network_plugin")
            elif isinstance(pattern, URLPattern) and inside:
                found.append(text)

    walk(get_resolver().url_patterns, "", False)
    return found


ROUTES = plugin_routes()
ID_ROUTES = [route for route in ROUTES if any(m["converter"] not in (None, "slug", "uuid", "str", "path")
                                             for m in _PARAM.finditer(route))]


def test_no_route_reads_integers_with_djangos_unbounded_converter():
    assert ID_ROUTES, "the plugin has routes with ids"
    unbounded = [route for route in ROUTES if "<int:" in route]
    assert not unbounded, f"use <cities_network_id:…> (cities_network_plugin.url_converters): {unbounded}"


def fill(route: str, big: int) -> str:
    def value(match):
        return {"slug": "alpha", "uuid": str(uuid.UUID(int=1)), "str": "x", "path": "x"}.get(match["converter"],
                                                                                         str(big))
    return "/" + _PARAM.sub(value, route)


@pytest.mark.django_db
@pytest.mark.parametrize("big", [2 ** 63, 2 ** 64, 10 ** 30])
@pytest.mark.parametrize("route", ID_ROUTES)
def test_an_id_out_of_range_in_a_path_is_not_found(admin_a, city_a, route, big):  # noqa: ARG001
    client = Client(raise_request_exception=False)
    client.force_login(admin_a)
    path = fill(route, big)
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, path, response.status_code)
        if path.startswith("/cities-network/api/"):
            assert json.loads(response.content) == {"detail": "Not found."}


@pytest.mark.django_db
def test_the_largest_id_is_an_id_that_is_not_there(admin_a, city_a):
    client = APIClient()
    client.force_authenticate(admin_a)
    response = client.get(f"{API}/stakeholders/{2 ** 63 - 1}/")
    assert response.status_code == 404 and "detail" in response.json()
    stakeholder = Stakeholder.objects.create(city=city_a, name="Library", kind="community")
    assert client.get(f"{API}/stakeholders/{stakeholder.pk}/").json()["name"] == "Library"
