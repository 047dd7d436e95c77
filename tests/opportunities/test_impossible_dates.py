"""
Dates that are written like dates but name no day (``2026-13-45``, ``2026-02-30``) in the opportunity filters: the
city page, the opportunities API and its GeoJSON answer 400 naming the filter, as for any other bad date.
"""
import pytest
from rest_framework.test import APIClient

from cities_network_plugin.opportunities import api

from tests.openapi_schema import schema

pytestmark = pytest.mark.django_db
API = "/cities-network/api/v1/cities/alpha"
IMPOSSIBLE = [("date_from", "2026-13-45"), ("date_to", "2026-02-30"), ("date_from", "2026-04-31"),
              ("date_to", "0000-01-01")]
LEARNER_MESSAGES = {"date_from": "The “from” date is not a date; use the format YYYY-MM-DD.",
                    "date_to": "The “to” date is not a date; use the format YYYY-MM-DD."}


@pytest.fixture
def published(city_a):
    return api.create_opportunity(city_a, {"title": "Bike repair", "kind": "workshop", "status": "published"})


@pytest.mark.parametrize(("name", "value"), IMPOSSIBLE)
def test_the_city_page_answers_an_impossible_date_with_400_and_says_which(client, published, name, value):
    response = client.get(f"/cities-network/c/alpha/?{name}={value}")
    assert response.status_code == 400
    html = response.content.decode()
    assert LEARNER_MESSAGES[name] in html
    assert f'value="{value}"' in html  # kept in the form, to correct


@pytest.mark.parametrize("path", ["opportunities/", "opportunities.geojson"])
@pytest.mark.parametrize(("name", "value"), IMPOSSIBLE)
def test_the_api_answers_an_impossible_date_with_400_naming_the_filter(published, path, name, value):
    response = APIClient().get(f"{API}/{path}", {name: value}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {name: [f"'{value}' is not a date (use YYYY-MM-DD)."]}


def test_the_api_documents_its_filters():
    """The filters are in the schema, with dates as dates, so that clients (and generated requests) know them."""
    for path in ("/cities-network/api/v1/cities/{slug}/opportunities/",
                 "/cities-network/api/v1/cities/{slug}/opportunities.geojson"):
        parameters = {p["name"]: p["schema"] for p in schema()["paths"][path]["get"]["parameters"]
                      if p["in"] == "query"}
        assert parameters["date_from"] == parameters["date_to"] == {"type": "string", "format": "date"}
        assert parameters["mode"]["enum"] == ["in_person", "online"]
        assert {"kind", "skill", "language", "q"} <= set(parameters)
