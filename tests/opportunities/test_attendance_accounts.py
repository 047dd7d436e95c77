"""
The attendance CSV names learners as the rest of the plugin does (``tenancy.api.find_user``): an address of no
account and one shared by several accounts get the same message, so a city team does not learn which addresses have
accounts, and an address several accounts share is never resolved to one of them silently.
"""
import pytest
from django.core.exceptions import ValidationError

from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import attendance
from cities_network_plugin.opportunities.models import OpportunityCompletion
from cities_network_plugin.tenancy import api as tenancy_api

pytestmark = pytest.mark.django_db


def not_one(value: str) -> str:
    return f"'{value}' does not name one account. Check it with the person, or give their username."


@pytest.fixture
def event(city_a):
    return opportunities_api.create_opportunity(city_a, {"title": "Repair café", "status": "published"})


@pytest.fixture
def people(make_user):
    """Ana; two accounts sharing one address (in two cases); Ben, whose address is stored in capitals."""
    make_user("ana", email="ana@example.com")
    make_user("twin1", email="twins@example.com")
    make_user("twin2", email="Twins@Example.com")
    make_user("ben", email="Ben@Example.com")


def csv_of(*values: str) -> str:
    return "user\n" + "".join(f"{value}\n" for value in values)


def test_no_account_and_several_accounts_get_one_message(event, admin_a, people):  # noqa: ARG001
    result = attendance.import_attendance(event, csv_of("ana", "ghost", "ghost@example.com", "twins@example.com"),
                                          admin_a)
    assert result.errors == [(3, not_one("ghost")), (4, not_one("ghost@example.com")),
                             (5, not_one("twins@example.com"))]
    assert not OpportunityCompletion.objects.exists()


def test_a_shared_address_is_never_resolved_to_one_of_its_accounts(event, admin_a, people):  # noqa: ARG001
    for address in ("twins@example.com", "TWINS@example.com"):
        result = attendance.import_attendance(event, csv_of(address), admin_a, dry_run=True)
        assert result.errors == [(2, not_one(address))] and result.added == []


def test_names_are_read_as_find_user_reads_them(event, admin_a, people):  # noqa: ARG001
    values = ["ana", "ANA@example.com", "ben@example.com", "ghost", "twins@example.com", "twin2", " ben "]
    for value in values:
        result = attendance.import_attendance(event, csv_of(value), admin_a, dry_run=True)
        try:
            expected = ([tenancy_api.find_user(value).username], [])
        except ValidationError as exc:
            expected = ([], [(2, exc.messages[0])])
        assert (result.added, result.errors) == expected, value


def test_the_import_does_not_ask_once_a_line(event, admin_a, make_user, django_assert_max_num_queries):
    for number in range(60):
        make_user(f"learner{number}")
    text = csv_of(*(f"learner{n}" if n % 2 else f"learner{n}@example.com" for n in range(60)))
    with django_assert_max_num_queries(8):
        result = attendance.import_attendance(event, text, admin_a, dry_run=True)
    assert result.ok and len(result.added) == 60
