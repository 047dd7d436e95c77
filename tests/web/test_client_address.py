"""
The plugin's rate limits count the client's address as the platform takes it for its own limits, never the raw
``X-Forwarded-For``: a client may write anything at the left of that header, and only what the platform's own
proxy appended (or, behind a CDN, the header the operator names in ``CLOSEST_CLIENT_IP_FROM_HEADERS``) counts.

Public addresses on purpose: the platform's helper walks past every address that is not globally routable
(documentation ranges such as 203.0.113.0/24 included), so those would never exercise the rule.
"""
import pytest
from django.core.cache import cache
from django.test import override_settings

from cities_network_plugin.onboarding.models import CityStepProgress
from cities_network_plugin.tenancy.models import City

from .conftest import without_address

JOIN = "/cities-network/join/"
GOOD = {
    "country": "ee", "organisation": "Tartu Learning Lab", "contact_name": "Kadri Tamm",
    "contact_email": "kadri@tartu.example", "timezone": "Europe/Tallinn",
    "vision": "We want every resident to find learning nearby and have it recognised.",
}
PROXY = "172.18.0.5"  # the platform's own reverse proxy (Tutor's Caddy), on a private network
CLIENT, OTHER_CLIENT = "95.56.12.34", "37.99.40.2"
CDN_EDGE = "104.16.0.1"


def forged(number: int) -> str:
    """A different made-up address at the left of the header for each request."""
    return f"8.8.{number // 250}.{number % 250 + 1}"


@pytest.fixture(autouse=True)
def _clean_counters():
    cache.clear()
    yield
    cache.clear()


def join(client, number: int, **meta):
    return client.post(JOIN, {**GOOD, "city_name": f"Town {number}"}, **meta)


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_JOIN_RATE_LIMIT="2/h", CLOSEST_CLIENT_IP_FROM_HEADERS=[])
def test_a_rotated_forwarded_header_does_not_reset_the_join_limit_behind_the_proxy(client):
    """Behind the proxy: it appends the address it really saw; what the client wrote to its left does not count."""
    statuses = [join(client, n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged(n)}, {CLIENT}").status_code
                for n in range(4)]
    assert statuses == [200, 200, 429, 429], "a new made-up address in X-Forwarded-For reset the join limit"
    assert City.objects.count() == 2  # nothing written for the refused forms
    assert CityStepProgress.objects.filter(city__name="Town 2").count() == 0
    other = join(client, 9, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged(9)}, {OTHER_CLIENT}")
    assert other.status_code == 200, "another client behind the same proxy has a limit of its own"


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_JOIN_RATE_LIMIT="2/h", CLOSEST_CLIENT_IP_FROM_HEADERS=[])
def test_a_client_reaching_the_server_directly_cannot_name_itself_in_the_header(client):
    statuses = [join(client, n, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=forged(n)).status_code for n in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_JOIN_RATE_LIMIT="2/h",
                   CLOSEST_CLIENT_IP_FROM_HEADERS=[{"name": "CF-Connecting-IP", "index": 0}])
def test_behind_a_cdn_the_header_the_operator_names_decides(client):
    """
    With the platform's setting naming the CDN's header, clients behind the same CDN edge are told apart, and a
    client still cannot reset its count with a made-up address.
    """
    def through_cdn(number, address):
        return join(client, number, REMOTE_ADDR=PROXY, HTTP_CF_CONNECTING_IP=address,
                    HTTP_X_FORWARDED_FOR=f"{forged(number)}, {address}, {CDN_EDGE}").status_code

    assert [through_cdn(n, CLIENT) for n in range(3)] == [200, 200, 429]
    assert through_cdn(5, OTHER_CLIENT) == 200


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_JOIN_RATE_LIMIT="2/h",
                   CLOSEST_CLIENT_IP_FROM_HEADERS=[{"name": "CF-Connecting-IP", "index": 0}])
def test_forms_without_an_address_count_as_one_unknown_client(client):
    """No REMOTE_ADDR (the platform's helper raised KeyError: a 500): one shared count, whatever the headers say."""
    client = without_address(client)
    statuses = [join(client, n, HTTP_CF_CONNECTING_IP=forged(n), HTTP_X_FORWARDED_FOR=forged(n)).status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]
    assert City.objects.count() == 2
