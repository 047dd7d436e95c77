"""
The Django admin reads numbers as the API does (ADR 0019): every integer field of the plugin's admin forms and
inlines is bounded by the portable range of its column, and every id it looks up (a foreign key's choice, a raw-id
widget's value, a record's id in an admin address) by the range of its key column. On SQLite, which checks no range,
a number no column holds is a form error or a 404, never a 500 (``OverflowError`` from the driver, also in a lookup
on Django 4.2) nor a value MariaDB would refuse.
"""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from cities_network_plugin.onboarding.models import ImpactReview
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities.models import OpportunityCompletion
from cities_network_plugin.tenancy.models import CityRole

from tests.form_numbers import column_of, unbounded

ADMIN = "/admin/cities_network_plugin"
TOO_BIG = [2 ** 31, 2 ** 63, 2 ** 64, 2 ** 70]
BIG_ID = 2 ** 63
ADMINS = sorted((model._meta.model_name, model_admin) for model, model_admin in admin.site._registry.items()
                if model._meta.app_label == "cities_network_plugin")
FORM_ADMINS = [(name, model_admin) for name, model_admin in ADMINS
               if any(url.name == f"cities_network_plugin_{name}_change" for url in model_admin.urls)]


def forms_of(model_admin, user):
    """(label, form class, model) of the admin's add form and of each of its inlines' forms."""
    request = RequestFactory().get("/")
    request.user = user
    found = [(model_admin.model._meta.model_name, model_admin.get_form(request), model_admin.model)]
    for inline in model_admin.get_inline_instances(request):
        found.append((f"{type(inline).__name__}", inline.get_formset(request).form, inline.model))
    return found


def test_there_are_admins_to_check():
    assert {"impactreview", "badgeclass", "opportunitycompletion", "communitycall", "networkmanager"} <= {
        name for name, _ in FORM_ADMINS}
    assert "report" not in {name for name, _ in FORM_ADMINS}  # a page with no form (it has only its list URL)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "model_admin"), FORM_ADMINS, ids=[name for name, _ in FORM_ADMINS])
def test_every_number_an_admin_form_reads_is_bounded_by_its_column(name, model_admin, network_manager):  # noqa: ARG001
    problems = [f"{label}.{field_name}: {problem}"
                for label, form, model in forms_of(model_admin, network_manager)
                for field_name, field in form.base_fields.items()
                if (problem := unbounded(field, column_of(model, field_name)))]
    assert not problems


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-5, *TOO_BIG])
def test_learners_reached_out_of_range_is_a_form_error(client, admin_a, city_a, value):
    client.force_login(admin_a)
    response = client.post(f"{ADMIN}/impactreview/add/", {"city": city_a.pk, "reviewed_on": "2026-01-01",
                                                          "summary": "s", "learners_reached": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert "less than or equal to 2147483647" in page or "greater than or equal to 0" in page
    assert not ImpactReview.objects.exists()


@pytest.mark.django_db
def test_learners_reached_up_to_the_column_is_taken(client, admin_a, city_a):
    client.force_login(admin_a)
    response = client.post(f"{ADMIN}/impactreview/add/", {"city": city_a.pk, "reviewed_on": "2026-01-01",
                                                          "summary": "s", "learners_reached": 2147483647})
    assert response.status_code == 302
    assert ImpactReview.objects.get().learners_reached == 2147483647


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["network_manager", "admin_a"])
@pytest.mark.parametrize("value", [2 ** 31, BIG_ID, 10 ** 30])
def test_an_id_no_column_holds_is_no_choice(request, client, who, city_a, learner, value):
    client.force_login(request.getfixturevalue(who))
    event = opportunities_api.create_opportunity(city_a, {"title": "Repair café", "status": "published"})
    completion = {"opportunity": event.pk, "user": learner.pk, "source": "manual",
                  "completed_at_0": "2026-01-01", "completed_at_1": "10:00"}
    for field in ("opportunity", "user"):  # raw-id widgets
        response = client.post(f"{ADMIN}/opportunitycompletion/add/", {**completion, field: value})
        assert response.status_code == 200, field
        assert "Select a valid choice" in response.content.decode()
    response = client.post(f"{ADMIN}/cityrole/add/", {"city": value, "user": learner.pk, "role": "admin"})  # a select
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not OpportunityCompletion.objects.exists() and not CityRole.objects.filter(user=learner).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["network_manager", "admin_a"])
def test_a_raw_id_no_column_holds_gets_no_label(request, client, who):
    client.force_login(request.getfixturevalue(who))
    for path in (f"opportunitycompletion/add/?opportunity={BIG_ID}", f"cityrole/add/?user={BIG_ID}"):
        assert client.get(f"{ADMIN}/{path}").status_code == 200, path


@pytest.mark.django_db
@pytest.mark.parametrize("big", [BIG_ID, 10 ** 30])
@pytest.mark.parametrize(("name", "model_admin"), ADMINS, ids=[name for name, _ in ADMINS])
def test_an_id_no_column_holds_in_an_admin_address_names_nothing(network_manager, name, model_admin, big):  # noqa: ARG001
    client = Client(raise_request_exception=False)
    client.force_login(network_manager)
    for view in ("change", "delete", "history"):
        response = client.get(f"{ADMIN}/{name}/{big}/{view}/")
        assert response.status_code in (302, 404), (view, response.status_code)  # as an id of no record
