"""
Every view of API v1 reads JSON with the bounded parser (``rest_api/v1/parsers.py``): a view that names its own
parsers must not fall back to DRF's ``JSONParser``, whose ``RecursionError`` on a body nested a thousand levels deep
answered 500.
"""
from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient

from cities_network_plugin.rest_api.v1 import urls
from cities_network_plugin.rest_api.v1.parsers import BoundedJSONParser


def api_views():
    """(route, view class) for every DRF view of API v1 that takes a body (the schema's GET parses none)."""
    found = []

    def walk(patterns, prefix: str):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "cls", None)
                route = prefix + str(entry.pattern)
                if view is not None and any(hasattr(view, method) for method in ("post", "put", "patch")):
                    found.append((route, view))

    walk(urls.urlpatterns, "")
    return found


VIEWS = api_views()


def test_there_are_views_to_check():
    assert len(VIEWS) > 20 and any(route.endswith("claim/") for route, _ in VIEWS)


@pytest.mark.parametrize(("route", "view"), VIEWS, ids=[route for route, _ in VIEWS])
def test_every_view_reads_json_with_the_bounded_parser(route, view):  # pylint: disable=unused-argument
    json_parsers = [parser for parser in view.parser_classes if issubclass(parser, JSONParser)]
    assert all(issubclass(parser, BoundedJSONParser) for parser in json_parsers), (
        f"{view.__name__} parses JSON with {json_parsers}, not the bounded parser")


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [40, 3000])
def test_a_claim_nested_thousands_deep_is_a_400(learner, depth):
    api = APIClient()
    api.force_authenticate(learner)
    body = '{"code": ' + "[" * depth + "]" * depth + "}"
    response = api.post("/cities-network/api/v1/claim/", body, content_type="application/json",
                        REMOTE_ADDR="95.56.12.34")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"][0].startswith("This is nested more than 32 levels deep (at code[0]")
