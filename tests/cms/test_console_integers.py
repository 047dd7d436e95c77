"""
The console's forms read numbers as the API and the admin do (ADR 0019): every integer field is bounded by the
column it ends up in, every record chosen by id by its key column (``columns``). A number no column holds is an
error next to its field with nothing saved, never a 500 (SQLite's driver overflowed, also in a lookup on Django 4.2).
"""
import pytest
from django import forms

from cities_network_plugin.badges.models import BadgeClass
from cities_network_plugin.console import forms as console_forms
from cities_network_plugin.console import forms_badges
from cities_network_plugin.opportunities.models import Opportunity, Playlist

from .console_data import errors_of, opportunity, url
from .test_console_badges import badge_form
from tests.form_numbers import column_of, unbounded

pytestmark = [pytest.mark.cms]
BIG = str(2 ** 63)
FORMS = sorted({(module.__name__.rsplit(".", 1)[1], name, value) for module in (console_forms, forms_badges)
                for name, value in vars(module).items()
                if isinstance(value, type) and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__}, key=lambda entry: entry[:2])


def test_there_are_forms_to_check():
    assert {"PlaylistForm", "PlaylistItemForm", "GroupForm", "OpportunityForm"} <= {name for _, name, _ in FORMS}


@pytest.mark.parametrize(("module", "name", "form"), FORMS, ids=[f"{m}.{n}" for m, n, _ in FORMS])
def test_every_number_a_console_form_reads_is_bounded(module, name, form):  # noqa: ARG001
    model = getattr(getattr(form, "_meta", None), "model", None)  # a model form's fields come from its model
    problems = [f"{field_name}: {problem}" for field_name, field in form.base_fields.items()
                if (problem := unbounded(field, column_of(model, field_name)))]
    assert not problems


def playlist_form(first, **changes):
    return {"title": "Cycling basics", "description": "", "min_optional": "0", "status": "published",
            "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000", "items-0-opportunity": str(first.pk), "items-0-order": "1", **changes}


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), [
    ("min_optional", BIG, "Ensure this value is less than or equal to 32767."),
    ("min_optional", "32768", "Ensure this value is less than or equal to 32767."),
    ("items-0-order", BIG, "Ensure this value is less than or equal to 32767."),
    ("items-0-opportunity", BIG, "Select a valid choice. That choice is not one of the available choices."),
])
def test_a_playlist_number_no_column_holds_is_an_error_on_its_field(client, admin_a, city_a, field, value, message):
    client.force_login(admin_a)
    response = client.post(url("console-playlist-new", "alpha"), playlist_form(opportunity(city_a), **{field: value}))
    assert response.status_code == 400
    assert errors_of(response, f"id_{field}") == [message]
    assert not Playlist.objects.exists()


@pytest.mark.django_db
def test_an_organiser_id_no_column_holds_is_an_error_on_its_field(client, admin_a, city_a):
    client.force_login(admin_a)
    response = client.post(url("console-opportunity-new", "alpha"), {
        "title": "Bike repair evening", "kind": "workshop", "status": "published", "online": "on", "organiser": BIG})
    assert response.status_code == 400
    assert errors_of(response, "id_organiser") == [
        "Select a valid choice. That choice is not one of the available choices."]
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_a_group_count_no_column_holds_is_an_error_on_its_field(client, admin_a, city_a):
    client.force_login(admin_a)
    form = badge_form(**{"groups-0-min_required": BIG, "requirements-0-kind": "manual"})
    response = client.post(url("console-badge-new", "alpha"), form)
    assert response.status_code == 400
    assert errors_of(response, "id_groups-0-min_required") == ["Ensure this value is less than or equal to 32767."]
    assert not BadgeClass.objects.exists()
