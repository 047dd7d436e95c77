"""
The OpenAPI schema says what the API answers: fields that may be null say so, URL fields are ``format: uri`` and the
serializers refuse what ``format: uri`` refuses (checked with jsonschema-rs, the validator schemathesis uses), ids in
paths are bounded integers, and every operation documents the error answers it may give. The generated requests of
``tests/schema`` check the same against a running host; these tests pin each rule down on its own.
"""
from __future__ import annotations

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.rest_api.v1.serializers import onboarding, opportunities, tenancy, webhooks
from cities_network_plugin.uris import validate_uri

from tests.openapi_schema import schema

API = "/cities-network/api/v1"
URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)


def component(name: str) -> dict:
    return schema()["components"]["schemas"][name]["properties"]


# --- Nullable fields ----------------------------------------------------------------------------------------------

def test_fields_read_through_an_empty_relation_are_nullable():
    assert component("Opportunity")["organiser_name"].get("nullable") is True
    assert component("BadgeClass")["previous_version"].get("nullable") is True
    assert "nullable" not in component("Opportunity")["title"]


@pytest.mark.django_db
def test_and_the_api_does_answer_null_there(admin_a, city_a):
    opportunity = opportunities_api.create_opportunity(city_a, {"title": "No organiser", "status": "published"})
    badge = badges_api.create_class(city_a, {"name": "First", "description": "d", "criteria_narrative": "c",
                                             "groups": [{"requirements": [{"kind": "manual"}]}]})
    client = APIClient()
    client.force_authenticate(admin_a)
    assert client.get(f"{API}/cities/alpha/opportunities/{opportunity.uuid}/").json()["organiser_name"] is None
    assert client.get(f"{API}/cities/alpha/badges/{badge.uuid}/").json()["previous_version"] is None


# --- URL fields ---------------------------------------------------------------------------------------------------

def url_fields():
    """Every URL field of the serializers that take input, as (serializer, field name, field)."""
    found = []
    for module in (onboarding, opportunities, tenancy, webhooks):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, serializers.Serializer) \
                    and value.__module__ == module.__name__:
                try:
                    fields = value(context={"city": None}).fields
                except (AssertionError, TypeError):  # pragma: no cover - a serializer that needs more to build
                    continue
                found += [(value.__name__, name, field) for name, field in fields.items()
                          if isinstance(field, serializers.URLField)]
    return found


URL_FIELDS = url_fields()


def test_there_are_url_fields_to_check():
    names = {f"{serializer}.{name}" for serializer, name, _ in URL_FIELDS}
    assert {"OpportunitySerializer.url", "StakeholderSerializer.website", "CitySerializer.website",
            "StepUpdateSerializer.evidence_url", "ImpactReviewSerializer.report_url"} <= names


@pytest.mark.parametrize(("serializer", "name", "field"), URL_FIELDS, ids=[f"{s}.{n}" for s, n, _ in URL_FIELDS])
def test_every_url_field_checks_what_format_uri_checks(serializer, name, field):  # pylint: disable=unused-argument
    assert validate_uri in field.validators


# What Django's URLValidator accepts and RFC 3986 (``format: uri``) does not, and a few it accepts too.
URLS = ["https://example.org/straße", "https://example.org/a[b]", "https://example.org/a b", "https://example.org/{x}",
        "https://example.org/a|b", "https://example.org/%zz", "https://example.org/?q=\"", "https://example.org/#a#b",
        "https://example.org/^", "https://example.org/a\\b", "https://vilnius.lt/renginiai/%C5%A1vent%C4%97",
        "https://example.org/a?b=c&d=e#f", "http://127.0.0.1:8000/x", "https://[::1]/", "https://xn--80ak6aa92e.com/",
        "https://user:pass@example.org/", "ftp://files.example.org/a.txt", "https://example.org/~me/(1)"]
URL_CHARACTERS = st.sampled_from(list("abc/?#[]@!$&'()*+,;=%:-._~ |{}^`\"<>\\") + ["ü", "š", "%20", "%C5", "%zz"])
GENERATED_URLS = st.builds(lambda scheme, host, rest: f"{scheme}://{host}{rest}",
                           st.sampled_from(["http", "https", "ftp"]),
                           st.sampled_from(["example.org", "vilnius.lt", "127.0.0.1:8000", "[::1]", "ex_ample.org",
                                            "a@example.org", "example.org:99999", "šiauliai.lt", "[v1.x]"]),
                           st.lists(URL_CHARACTERS, max_size=12).map("".join))


def accepted(value: str, field=None) -> bool:
    try:
        (field or serializers.URLField(validators=[validate_uri])).run_validation(value)
    except serializers.ValidationError:
        return False
    return True


def check_url(url: str) -> None:
    """Taken only if a URI (``format: uri``); refused only if not a URI or Django's own URL check refuses it."""
    django_takes = accepted(url, serializers.URLField())
    assert accepted(url) == (django_takes and URI.is_valid(url)), url


@pytest.mark.parametrize("url", URLS)
def test_a_url_the_serializers_accept_is_a_uri(url):
    check_url(url)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(url=GENERATED_URLS)
def test_generated_urls_the_serializers_accept_are_uris(url):
    check_url(url)


def test_the_message_says_what_to_do():
    with pytest.raises(serializers.ValidationError) as refused:
        serializers.URLField(validators=[validate_uri]).run_validation("https://vilnius.lt/šventė")
    assert "percent-encode" in str(refused.value.detail[0])


def test_the_schema_says_format_uri_for_every_url_field():
    for name in ("Opportunity", "Stakeholder", "City", "ImpactReview", "CommunityCall", "Webhook"):
        properties = component(name)
        urls = [key for key in properties if key in ("url", "website", "report_url", "recording_url")]
        assert urls, name
        for key in urls:
            variants = properties[key].get("oneOf", [properties[key]])
            assert any(v.get("format") == "uri" for v in variants), (name, key, properties[key])


def test_a_field_that_may_be_blank_allows_the_empty_string_its_format_refuses():
    """drf-spectacular 0.30 says so itself; 0.29 (Open edX master's pins) did not, and "" broke ``format: uri``."""
    blank = {"type": "string", "maxLength": 0}
    for name, key in (("Stakeholder", "website"), ("ImpactReview", "report_url"), ("Opportunity", "language"),
                      ("Stakeholder", "contact_email")):
        assert blank in component(name)[key].get("oneOf", []), (name, key, component(name)[key])


# --- Ids in paths ------------------------------------------------------------------------------------------------

def test_ids_in_paths_are_integers_of_the_range_of_an_id():
    ids = [(path, parameter) for path, item in schema()["paths"].items() for operation in item.values()
           for parameter in operation.get("parameters", []) if parameter["in"] == "path"
           and parameter["name"] in ("id", "delivery_id")]
    assert len(ids) >= 5
    for path, parameter in ids:
        assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2 ** 63 - 1}, path


# --- Error answers ------------------------------------------------------------------------------------------------

def responses(path: str, method: str) -> dict:
    return schema()["paths"][f"{API}{path}"][method]["responses"]


def test_every_operation_documents_the_errors_it_may_answer():
    # A public read: bad filters and unknown cities or pages, never "sign in".
    public = responses("/cities/{slug}/opportunities/", "get")
    assert {"200", "400", "404"} <= set(public) and not {"401", "403"} & set(public)
    # A team's write: also not signed in, not allowed.
    write = responses("/cities/{slug}/opportunities/", "post")
    assert {"201", "400", "401", "403", "404"} <= set(write)
    # A read of one's own, without a path parameter: a page that does not exist is 404.
    mine = responses("/me/awards/", "get")
    assert {"200", "401", "403", "404"} <= set(mine) and "400" not in mine
    # An error answer is JSON that says what is wrong, in the error shape.
    content = write["400"]["content"]["application/json"]["schema"]
    assert content == {"$ref": "#/components/schemas/Error"}
    error = schema()["components"]["schemas"]["Error"]
    assert error["type"] == "object" and "detail" in error["properties"]


def test_the_claim_documents_its_rate_limit():
    assert "429" in responses("/claim/", "post")


@pytest.mark.django_db
def test_an_unknown_path_of_the_api_answers_json_404():
    for path in ("/cities/alpha/opportunities/not-a-uuid/", "/nothing-here/", f"/cities/alpha/stakeholders/{2 ** 63}/",
                 "/cities/%25/"):
        response = APIClient().get(f"{API}{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json" and response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_a_path_without_its_slash_still_redirects(admin_a):
    client = APIClient()
    client.force_authenticate(admin_a)
    response = client.get(f"{API}/cities")
    assert response.status_code == 301 and response["Location"] == f"{API}/cities/"
