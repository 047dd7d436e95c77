"""Helpers for the city of a course, of a request and of a user; organisations and teams."""
import pytest
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import City, CityRole, CityRoleName


@pytest.mark.django_db
def test_city_for_course_follows_the_org_of_the_key(city_a, city_b):
    assert tenancy_api.city_for_course("course-v1:AlphaX+Bikes101+2026") == city_a
    assert tenancy_api.city_for_course("course-v1:alphax+Bikes101+2026") == city_a  # org match ignores case
    assert tenancy_api.city_for_course("course-v1:BetaX+Cook+T1") == city_b
    assert tenancy_api.city_for_course("course-v1:Nobody+X+Y") is None


def test_bad_course_key_says_what_is_wrong():
    with pytest.raises(ValidationError, match="'not a key' is not a valid course key"):
        tenancy_api.city_for_course("not a key")


@pytest.mark.django_db
def test_city_for_request_uses_the_site(city_a):
    site = Site.objects.create(domain="alpha.learning.example", name="Alpha")
    city_a.site = site
    city_a.save()
    request = RequestFactory().get("/", HTTP_HOST="alpha.learning.example")
    request.site = site
    assert tenancy_api.city_for_request(request) == city_a
    other = RequestFactory().get("/")
    other.site = Site.objects.get(pk=1)
    assert tenancy_api.city_for_request(other) is None


@pytest.mark.django_db
def test_cities_and_roles_of_user(admin_a, city_a, city_b):
    tenancy_api.set_member(city_b, admin_a, CityRoleName.CORE_TEAM)
    assert set(tenancy_api.cities_of_user(admin_a)) == {city_a, city_b}
    assert tenancy_api.roles_of_user(admin_a) == {"alpha": "admin", "beta": "core_team"}


@pytest.mark.django_db
def test_an_org_belongs_to_one_city(city_a, city_b):
    with pytest.raises(ValidationError, match="already belongs to Alpha"):
        tenancy_api.add_organization(city_b, "alphax")
    assert tenancy_api.add_organization(city_a, "ALPHAX").org == "AlphaX"  # same city: the existing row
    with pytest.raises(ValidationError, match="may hold only letters"):
        tenancy_api.add_organization(city_a, "Bad Org")


@pytest.mark.django_db
def test_set_member_changes_role_without_duplicates(make_user, city_a):
    user = make_user("ana")
    tenancy_api.set_member(city_a, user, CityRoleName.CORE_TEAM)
    tenancy_api.set_member(city_a, user, CityRoleName.ADMIN)
    assert list(CityRole.objects.filter(user=user).values_list("role", flat=True)) == ["admin"]
    with pytest.raises(ValidationError, match="is not a city role"):
        tenancy_api.set_member(city_a, user, "mayor")


@pytest.mark.django_db
def test_find_user_by_username_or_email(make_user):
    user = make_user("ana", email="ana@city.example")
    assert tenancy_api.find_user("ana") == user
    assert tenancy_api.find_user("ANA@city.example") == user
    with pytest.raises(ValidationError, match="'bob' does not name one account"):
        tenancy_api.find_user("bob")


@pytest.mark.django_db
def test_city_validation_messages():
    city = City(slug="x", name="X", country="lt", timezone="Mars/Olympus", languages=["LT!"])
    with pytest.raises(ValidationError) as info:
        city.full_clean()
    errors = info.value.message_dict
    assert "two-letter ISO 3166" in errors["country"][0]
    assert "not a known time zone" in errors["timezone"][0]
    assert "language codes" in errors["languages"][0]
