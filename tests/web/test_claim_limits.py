"""
Claim codes cannot be guessed by opening claim links: the claim page's GET says whether a code is known, so it
counts against the same limits as a claim, per account and per client address, and once over them it answers the
same for every code, known or not, without looking the code up.
"""
import datetime

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import attendance
from cities_network_plugin.opportunities.models import OpportunityCompletion

from .conftest import without_address

PROXY = "172.18.0.5"
VENUE = "95.56.12.34"  # an event's Wi-Fi: every learner behind one public address
CLAIM_API = "/cities-network/api/v1/claim/"


@pytest.fixture(autouse=True)
def _clean_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def code(city_a):
    cafe = opportunities_api.create_opportunity(city_a, {"title": "Repair café", "status": "published"})
    now = timezone.now()
    return attendance.create_claim_code(cafe, now - datetime.timedelta(minutes=5), now + datetime.timedelta(hours=1))


def page(client, text, address=VENUE):
    return client.get(f"/cities-network/claim/{text}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_claim(user, text, address=True) -> int:
    """The status of a claim through the API, from the venue behind the proxy (or with no address at all)."""
    api = APIClient()
    api.force_authenticate(user)
    if not address:
        return without_address(api).post(CLAIM_API, {"code": text}, format="json",
                                         HTTP_X_FORWARDED_FOR=VENUE).status_code
    return api.post(CLAIM_API, {"code": text}, format="json", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VENUE).status_code


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_CLAIM_RATE_LIMIT="3/15m", CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT="100/15m")
def test_opening_claim_links_counts_per_account(learner, make_user, code):
    client = signed_in(learner)
    guesses = [page(client, f"GUESS{n:03d}").status_code for n in range(3)]
    assert guesses == [404, 404, 404]
    limited = page(client, code.code)  # the right code, once over the limit
    assert limited.status_code == 429, "the claim page's GET told valid codes from invalid ones without a limit"
    text = limited.content.decode()
    assert "Too many attempts" in text and "Repair café" not in text
    unknown = page(client, "GUESS999")
    assert unknown.status_code == 429 and unknown.content == limited.content, "a limited answer names no code"
    assert page(signed_in(make_user("visitor")), code.code).status_code == 200  # another learner has a count of its own


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_CLAIM_RATE_LIMIT="50/15m", CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT="4/15m")
def test_opening_claim_links_counts_per_address_across_accounts(make_user, code):
    """Many accounts from one address (made for guessing) share the address's limit; other addresses do not."""
    statuses = [page(signed_in(make_user(f"guesser{n}")), f"GUESS{n:03d}").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 404, 429]
    assert page(signed_in(make_user("elsewhere")), code.code, address="37.99.40.2").status_code == 200


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_CLAIM_RATE_LIMIT="3/15m", CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT="100/15m")
def test_page_views_and_claims_share_one_count(learner, code):
    """Opening the link and confirming are one budget, on the page and in the API alike."""
    client = signed_in(learner)
    assert page(client, "GUESS001").status_code == 404
    assert api_claim(learner, "GUESS002") == 400
    assert page(client, "GUESS003").status_code == 404
    refused = client.post(f"/cities-network/claim/{code.code}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VENUE)
    assert refused.status_code == 429
    assert "Repair café" not in refused.content.decode()  # a refused confirmation names no event either
    assert not OpportunityCompletion.objects.exists()


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_CLAIM_RATE_LIMIT="50/15m", CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT="2/15m")
def test_api_claims_count_per_address_too(make_user, code):
    statuses = [api_claim(make_user(f"claimer{number}"), f"GUESS{number:03d}") for number in range(3)]
    assert statuses == [400, 400, 429]


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_CLAIM_RATE_LIMIT="50/15m", CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT="3/15m")
def test_requests_without_an_address_share_one_unknown_address(make_user, code):
    """edx_django_utils' get_safest_client_ip raised KeyError('REMOTE_ADDR'): a 500. They are counted as one client."""
    statuses = [api_claim(make_user(f"claimer{number}"), f"GUESS{number:03d}", address=False) for number in range(2)]
    statuses.append(without_address(signed_in(make_user("opener"))).get("/cities-network/claim/GUESS002/").status_code)
    # Another X-Forwarded-For changes nothing: without REMOTE_ADDR nothing says who wrote it.
    statuses.append(without_address(signed_in(make_user("rotator"))).get(
        "/cities-network/claim/GUESS003/", HTTP_X_FORWARDED_FOR="37.99.40.2").status_code)
    assert statuses == [400, 400, 404, 429]
    assert page(signed_in(make_user("elsewhere")), code.code).status_code == 200  # a real address has its own count
