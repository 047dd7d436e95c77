"""
An opportunity's references hold the city scope (issue 15; ADR 0017): a city makes opportunities only for courses
of its own organisations, never changes an opportunity's course, and names in ``cities`` only cities it may see;
each path (the API, the Django admin, the CSV import) asks the domain's rule, and a value naming something of
another city is answered as one naming nothing.
"""
import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cities_network_plugin.opportunities import api, csv_io
from cities_network_plugin.opportunities.models import Opportunity
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import City, CityStatus

BASE = "/cities-network/api/v1/cities/alpha/opportunities/"
ADMIN = "/admin/cities_network_plugin/opportunity"
BETA_COURSE = "course-v1:BetaX+Unlisted+2026"  # of Beta's organisation
PROSPECT_COURSE = "course-v1:DeltaX+Intro+2026"  # of the prospect city's organisation
UNCLAIMED_COURSE = "course-v1:NobodyX+Intro+2026"  # of an organisation no city claims
OWN_COURSE = "course-v1:AlphaX+New+2026"

pytestmark = pytest.mark.django_db


@pytest.fixture
def prospect():
    city = City.objects.create(slug="delta", name="Delta (not yet public)", country="FI",
                               status=CityStatus.PROSPECT, timezone="Europe/Helsinki")
    tenancy_api.add_organization(city, "DeltaX", "Delta institute")
    return city


@pytest.fixture
def client_a(admin_a):
    client = APIClient()
    client.force_authenticate(admin_a)
    return client


@pytest.fixture
def draft(city_a):
    return api.create_opportunity(city_a, {"title": "Alpha workshop", "kind": "workshop", "online": True})


def without(text: str, value: str) -> str:
    return text.replace(value, "<value>")


# --- 1. Courses of the city's own organisations -------------------------------------------------------------------

@pytest.mark.parametrize("course", [BETA_COURSE, PROSPECT_COURSE, UNCLAIMED_COURSE])
def test_the_domain_refuses_a_course_of_another_organisation(city_a, city_b, prospect, admin_a, course):
    with pytest.raises(ValidationError) as refused:
        api.create_opportunity(city_a, {"title": "Taken", "course_key": course}, user=admin_a)
    assert refused.value.message_dict == {
        "course_key": [f"'{course}' is not a course of an organisation of Alpha."]}
    assert not Opportunity.objects.filter(course_key=course).exists()


def test_network_managers_and_the_city_itself_may_make_course_opportunities(city_a, city_b, admin_a,
                                                                            network_manager):
    own = api.create_opportunity(city_a, {"title": "Own", "course_key": OWN_COURSE}, user=admin_a)
    assert own.course_key == OWN_COURSE and own.kind == "course"
    any_course = api.create_opportunity(city_a, {"title": "Any", "course_key": BETA_COURSE}, user=network_manager)
    assert any_course.city == city_a


def test_the_api_answers_a_foreign_course_as_an_unknown_one(client_a, city_a, city_b, admin_b, prospect):
    beta_published = api.create_opportunity(city_b, {"title": "Beta course", "status": "published",
                                                     "course_key": "course-v1:BetaX+Public+2026"}, user=admin_b)
    unknown = "course-v1:NoSuchX+Nothing+2026"
    answers = set()
    for course in (BETA_COURSE, PROSPECT_COURSE, UNCLAIMED_COURSE, beta_published.course_key, unknown):
        response = client_a.post(BASE, {"title": "Taken", "course_key": course}, format="json")
        assert response.status_code == 400, (course, response.content)
        answers.add(without(response.content.decode(), course))
    assert answers == {'{"course_key":["\'<value>\' is not a course of an organisation of Alpha."]}'}
    assert Opportunity.objects.filter(city=city_a).count() == 0
    response = client_a.post(BASE, {"title": "Own", "course_key": OWN_COURSE}, format="json")
    assert response.status_code == 201, response.content


def admin_add_data(city, **changes) -> dict:
    return {"city": str(city.pk), "cities": [str(city.pk)], "kind": "course", "title": "Taken", "description": "",
            "course_key": "", "start_0": "", "start_1": "", "end_0": "", "end_1": "", "online": "on",
            "place_name": "", "address": "", "latitude": "", "longitude": "", "url": "", "organiser": "",
            "language": "", "skills": "[]", "status": "draft", **changes}


def admin_errors(response) -> str:
    assert response.status_code == 200, response.status_code  # the form comes back
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.DOTALL))


def test_the_admin_add_form_refuses_a_course_of_another_organisation(client, admin_a, city_a, city_b, prospect):
    client.force_login(admin_a)
    for course in (BETA_COURSE, PROSPECT_COURSE, UNCLAIMED_COURSE):
        errors = admin_errors(client.post(f"{ADMIN}/add/", admin_add_data(city_a, course_key=course)))
        assert "is not a course of an organisation of Alpha." in errors, errors
    assert not Opportunity.objects.exists()
    response = client.post(f"{ADMIN}/add/", admin_add_data(city_a, course_key=OWN_COURSE))
    assert response.status_code == 302
    assert Opportunity.objects.get().course_key == OWN_COURSE


def import_rows(city, user, *rows, dry_run=False):
    header = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return csv_io.import_opportunities(city, out.getvalue(), user, dry_run=dry_run)


def test_the_csv_import_refuses_a_course_of_another_organisation(city_a, city_b, prospect, admin_a):
    result = import_rows(city_a, admin_a, *({"title": "Taken", "course_key": course}
                                            for course in (BETA_COURSE, PROSPECT_COURSE, UNCLAIMED_COURSE)))
    assert result.error_lines() == [
        f"line {line}: course_key: '{course}' is not a course of an organisation of Alpha."
        for line, course in ((2, BETA_COURSE), (3, PROSPECT_COURSE), (4, UNCLAIMED_COURSE))]
    assert not Opportunity.objects.exists()
    assert import_rows(city_a, admin_a, {"title": "Own", "course_key": OWN_COURSE}).created == 1


# --- 2. Cities the caller may not see are unknown -------------------------------------------------------------------

def test_a_prospect_city_in_cities_is_answered_as_an_unknown_one(client_a, city_a, city_b, prospect, draft):
    for method, path in (("post", BASE), ("put", f"{BASE}{draft.uuid}/"), ("patch", f"{BASE}{draft.uuid}/")):
        answers = {}
        for slug in ("delta", "no-such-city"):
            body = {"title": "Shared", "kind": "workshop", "online": True, "cities": ["alpha", slug]}
            response = getattr(client_a, method)(path, body, format="json")
            answers[slug] = (response.status_code, without(response.content.decode(), slug))
        assert answers["delta"] == answers["no-such-city"] == (400, '{"cities":["Unknown cities: <value>."]}')
        # A public city is named: the caller may not change it, and is told so.
        response = getattr(client_a, method)(path, {"title": "Shared", "kind": "workshop", "online": True,
                                                    "cities": ["alpha", "beta"]}, format="json")
        assert response.status_code == 403
        assert response.json() == {"detail": "You may only add or remove cities you work for; Beta is not one."}
    assert set(draft.cities.all()) == {city_a} and Opportunity.objects.count() == 1


def test_a_city_the_opportunity_already_has_may_be_named_again(client_a, city_a, prospect, draft):
    draft.cities.add(prospect)  # by a network manager
    current = client_a.get(f"{BASE}{draft.uuid}/").json()
    assert current["cities"] == ["alpha", "delta"]
    response = client_a.put(f"{BASE}{draft.uuid}/", {**current, "title": "Renamed"}, format="json")
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.title == "Renamed" and set(draft.cities.all()) == {city_a, prospect}


def test_the_csv_import_answers_a_prospect_city_as_an_unknown_one(city_a, city_b, prospect, admin_a, draft):
    for row in ({"title": "New"}, {"uuid": str(draft.uuid), "title": "Changed"}):
        lines = [import_rows(city_a, admin_a, {**row, "cities": slug}).error_lines() for slug in ("delta", "nowhere")]
        assert lines == [["line 2: cities: no city with the slug delta."],
                         ["line 2: cities: no city with the slug nowhere."]]
    assert import_rows(city_a, admin_a, {"title": "New", "cities": "beta"}).error_lines() == [
        "line 2: cities: You may only add or remove cities you work for; Beta is not one."]
    # The operator's command (no user) names any city.
    assert import_rows(city_a, None, {"title": "New", "cities": "delta"}).created == 1


# --- 3. An opportunity's course never changes -------------------------------------------------------------------

def test_the_api_refuses_a_change_of_course_and_takes_the_same_one(client_a, city_a, draft):
    course = api.create_opportunity(city_a, {"title": "Bikes", "course_key": "course-v1:AlphaX+Bikes+2026"})
    for opportunity, message in (
            (draft, "An off-platform opportunity cannot be given a course; add the course as a new opportunity."),
            (course, "An opportunity's course cannot be changed (it is 'course-v1:AlphaX+Bikes+2026'); add the "
                     "other course as a new opportunity.")):
        for method in ("put", "patch"):
            current = client_a.get(f"{BASE}{opportunity.uuid}/").json()
            body = {**current, "course_key": OWN_COURSE, "description": "Changed"}
            response = getattr(client_a, method)(f"{BASE}{opportunity.uuid}/", body, format="json")
            assert (response.status_code, response.json()) == (400, {"course_key": [message]})
            opportunity.refresh_from_db()
            assert opportunity.description == "" and not Opportunity.objects.filter(course_key=OWN_COURSE).exists()
            response = getattr(client_a, method)(f"{BASE}{opportunity.uuid}/", {**current, "description": "Same"},
                                                 format="json")
            assert response.status_code == 200, response.content
            opportunity.refresh_from_db()
            assert opportunity.description == "Same"
            api.update_opportunity(opportunity, {"description": ""})


def test_the_csv_import_refuses_a_change_of_course_with_the_domains_words(city_a, admin_a, draft):
    lines = import_rows(city_a, admin_a, {"uuid": str(draft.uuid), "title": draft.title,
                                          "course_key": OWN_COURSE}).error_lines()
    assert lines == ["line 2: course_key: An off-platform opportunity cannot be given a course; add the course as "
                     "a new opportunity."]


def test_the_admin_change_form_shows_the_course_without_an_input(client, admin_a, network_manager, draft):
    course = api.create_opportunity(draft.city, {"title": "Bikes", "course_key": "course-v1:AlphaX+Bikes+2026"})
    for user in (admin_a, network_manager):
        client.force_login(user)
        for opportunity in (draft, course):
            page = client.get(f"{ADMIN}/{opportunity.pk}/change/").content.decode()
            assert 'name="course_key"' not in page
        assert "course-v1:AlphaX+Bikes+2026" in client.get(f"{ADMIN}/{course.pk}/change/").content.decode()


# --- 4. and 5. The CSV import: another city's uuid, another city's id ----------------------------------------------

def test_the_csv_import_answers_another_citys_uuid_as_an_unknown_one(city_a, city_b, admin_a):
    beta = api.create_opportunity(city_b, {"title": "Beta's draft", "kind": "event"})
    unknown = "7f1b1c3e-5a9d-4c61-9f2e-3d2c1b0a9f8e"
    lines = [import_rows(city_a, admin_a, {"uuid": value, "title": "Taken over"}).error_lines()
             for value in (str(beta.uuid), unknown)]
    assert [[without(line, value) for line in found] for found, value in zip(lines, (str(beta.uuid), unknown),
                                                                            strict=True)] == [
        ["line 2: uuid: Alpha has no opportunity of its own with the uuid <value> (leave it blank to add a new "
         "opportunity)."]] * 2
    beta.refresh_from_db()
    assert beta.title == "Beta's draft"


def test_the_import_page_answers_a_city_out_of_reach_as_an_unknown_one(client, admin_a, city_a, city_b, prospect):
    client.force_login(admin_a)
    answers = []
    for city in (str(city_b.pk), str(prospect.pk), "987654321"):
        upload = SimpleUploadedFile("opportunities.csv", b"title\nIntruder\n", "text/csv")
        response = client.post(f"{ADMIN}/import-csv/", {"city": city, "file": upload})
        answers.append((response.status_code, admin_errors(response)))
    assert len(set(answers)) == 1 and "Select a valid choice" in answers[0][1], answers
    assert not Opportunity.objects.exists()
