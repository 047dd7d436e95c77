"""Console forms for badge classes, their requirements and image, manual awards and revocation."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import Award, BadgeClass

from .console_data import badge, errors_of, opportunity, url

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
COURSE = "course-v1:AlphaX+Bikes+2026"


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def badge_form(**changes):
    data = {"name": "Bike mechanic", "description": "Can fix a bicycle.", "criteria_narrative": "Fix bikes.",
            "expiry_rule": "none", "tags": "bikes, repair", "revoke_when_certificate_revoked": "on",
            "alignments": "repair bicycles | http://data.europa.eu/esco/skill/abc",
            **management("groups", 2), **management("requirements", 3),
            "groups-0-name": "Practice", "groups-0-min_required": "1",
            "groups-1-name": "", "groups-1-min_required": "1",
            "requirements-0-group": "1", "requirements-0-kind": "", "requirements-0-target": "",
            "requirements-1-group": "2", "requirements-1-kind": "", "requirements-1-target": "",
            "requirements-2-group": "1", "requirements-2-kind": "", "requirements-2-target": ""}
    data.update(changes)
    return data


def png(size=(200, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 117, 180, 255)).save(out, "PNG")
    return out.getvalue()


def test_a_badge_is_created_with_requirement_groups_from_rows(client, core_a, city_a):
    event = opportunity(city_a)
    client.force_login(core_a)
    form = badge_form(**{
        "requirements-0-kind": "opportunity_attended", "requirements-0-target": str(event.uuid),
        "requirements-1-kind": "course_passed", "requirements-1-course_key": COURSE,
        "requirements-2-group": "2", "requirements-2-kind": "manual",
    })
    response = client.post(url("console-badge-new", "alpha"), form, follow=True)
    created = BadgeClass.objects.get()
    assert response.redirect_chain == [(url("console-badge", "alpha", created.uuid), 302)]
    assert "The badge “Bike mechanic” was saved." in response.content.decode()
    assert (created.issuer_city, created.status, created.created_by) == (city_a, "draft", core_a)
    assert created.tags == ["bikes", "repair"]
    assert created.alignments == [{"targetName": "repair bicycles", "targetUrl": "http://data.europa.eu/esco/skill/abc",
                                   "targetFramework": "ESCO"}]
    assert badges_api.requirements_data(created) == [
        {"name": "Practice", "min_required": 1, "requirements": [
            {"kind": "opportunity_attended", "target": str(event.uuid), "certificate_modes": [], "description": ""}]},
        {"name": "", "min_required": 1, "requirements": [
            {"kind": "course_passed", "target": COURSE, "certificate_modes": [], "description": ""},
            {"kind": "manual", "target": "", "certificate_modes": [], "description": ""}]},
    ]
    # The page reads the requirements back in words.
    page = client.get(url("console-badges", "alpha")).content.decode()
    assert "Attend or complete “Bike repair evening”" in page and f"Pass the course {COURSE}" in page


def test_bad_requirements_are_marked_on_their_rows_and_nothing_is_saved(client, admin_a, city_a):
    client.force_login(admin_a)
    form = badge_form(**{"name": "", "groups-0-min_required": "3",
                         "requirements-0-kind": "opportunity_attended",
                         "requirements-1-kind": "course_passed", "requirements-1-course_key": "not a key",
                         "requirements-2-target": "x"})
    response = client.post(url("console-badge-new", "alpha"), form)
    assert response.status_code == 400
    assert errors_of(response, "id_name") == ["This field is required."]
    assert errors_of(response, "id_requirements-0-target") == ["Choose the opportunity to attend."]
    assert errors_of(response, "id_requirements-1-course_key") == [
        "This is not a course key (e.g. course-v1:Org+Course+Run)."]
    assert errors_of(response, "id_requirements-2-target") == ["Select a valid choice. x is not one of the "
                                                               "available choices."]
    assert not BadgeClass.objects.exists()
    # A group asking for more than it holds, and the domain's own rules (expiry), each at their field.
    event = opportunity(city_a)
    form = badge_form(**{"groups-0-min_required": "2", "expiry_rule": "fixed_date",
                         "requirements-0-kind": "opportunity_attended", "requirements-0-target": str(event.uuid)})
    response = client.post(url("console-badge-new", "alpha"), form)
    assert response.status_code == 400
    assert errors_of(response, "id_groups-0-min_required") == [
        "The group has 1 requirement(s); ask for at most that many."]
    form["groups-0-min_required"] = "1"
    response = client.post(url("console-badge-new", "alpha"), form)
    assert response.status_code == 400
    assert errors_of(response, "id_expires_on") == ["Give the date the badge expires on."]
    assert not BadgeClass.objects.exists()


def test_a_held_badge_keeps_its_requirements_and_gets_a_new_version(client, admin_a, learner, city_a):
    mechanic = badge(city_a)
    badges_api.manual_award(mechanic, learner, "Fixed three bikes.", awarded_by=admin_a)
    client.force_login(admin_a)
    page = client.get(url("console-badge", "alpha", mechanic.uuid)).content.decode()
    assert "its requirements are locked" in page and "requirements-TOTAL_FORMS" not in page
    response = client.post(url("console-badge", "alpha", mechanic.uuid), badge_form(name="Bike master"))
    assert response.status_code == 302
    mechanic.refresh_from_db()
    assert mechanic.name == "Bike master" and badges_api.requirements_data(mechanic)[0]["requirements"][0]["kind"] == \
        "manual"
    response = client.post(url("console-badge-new-version", "alpha", mechanic.uuid))
    copy = BadgeClass.objects.get(previous_version=mechanic)
    assert response["Location"] == url("console-badge", "alpha", copy.uuid)
    assert (copy.version, copy.status) == (2, "draft")
    response = client.post(url("console-badge-status", "alpha", copy.uuid), {"action": "activate"}, follow=True)
    assert "is active: learners can earn it." in response.content.decode()
    copy.refresh_from_db()
    mechanic.refresh_from_db()
    assert (copy.status, mechanic.status) == ("active", "archived")


def test_the_badge_image_is_checked_and_stored(client, admin_a, city_a):
    mechanic = badge(city_a)
    client.force_login(admin_a)
    page = url("console-badge-image", "alpha", mechanic.uuid)
    response = client.post(page, {"image-image": SimpleUploadedFile("wide.png", png((300, 100)), "image/png")})
    assert response.status_code == 400
    assert errors_of(response, "id_image-image")
    assert "square" in errors_of(response, "id_image-image")[0]
    mechanic.refresh_from_db()
    assert mechanic.image_type == ""
    response = client.post(page, {"image-image": SimpleUploadedFile("badge.png", png(), "image/png")}, follow=True)
    assert "The image of “Bike mechanic” was saved." in response.content.decode()
    mechanic.refresh_from_db()
    assert (mechanic.image_type, mechanic.image_width) == ("image/png", 200)


def test_a_manual_award_goes_through_the_domain(client, core_a, learner, city_a):
    mechanic = badge(city_a)
    client.force_login(core_a)
    page = url("console-badge-awards", "alpha", mechanic.uuid)
    response = client.post(page, {"user": "learner", "evidence": "  "})
    assert response.status_code == 400
    assert errors_of(response, "id_evidence") == ["This field is required."]
    response = client.post(page, {"user": "learner", "evidence": "Fixed three bikes at the repair café."}, follow=True)
    assert "learner was awarded “Bike mechanic”." in response.content.decode()
    award = Award.objects.get()
    assert (award.user, award.awarded_by, award.evidence["narrative"]) == (
        learner, core_a, "Fixed three bikes at the repair café.")
    response = client.post(page, {"user": "learner", "evidence": "Again."})
    assert response.status_code == 400
    assert errors_of(response, "id_user") == ["learner already holds this badge."]
    assert Award.objects.count() == 1


def test_a_draft_badge_cannot_be_awarded(client, admin_a, learner, city_a):
    draft = badge(city_a, status="draft")
    client.force_login(admin_a)
    response = client.post(url("console-badge-awards", "alpha", draft.uuid), {"user": "learner", "evidence": "Yes."})
    assert response.status_code == 400
    assert "Only active badges can be awarded." in response.content.decode()
    assert not Award.objects.exists()


def test_only_city_admins_revoke_and_they_say_why(client, admin_a, core_a, learner, city_a):
    mechanic = badge(city_a)
    award = badges_api.manual_award(mechanic, learner, "Fixed bikes.", awarded_by=admin_a)
    page = url("console-award-revoke", "alpha", award.uuid)
    client.force_login(core_a)
    assert client.post(page, {"reason": "Mistake"}).status_code == 403
    client.force_login(admin_a)
    response = client.post(page, {"reason": ""})
    assert response.status_code == 400 and errors_of(response, "id_reason") == ["This field is required."]
    award.refresh_from_db()
    assert not award.revoked
    response = client.post(page, {"reason": "Awarded to the wrong person."}, follow=True)
    assert "learner&#x27;s “Bike mechanic” was revoked." in response.content.decode()
    award.refresh_from_db()
    assert award.revoked and award.revocation_reason == "Awarded to the wrong person."
