"""Attendance and claim codes, backfill, the sweeper, failures kept on the inbox, and the badge admin."""
import datetime
import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import pipeline
from cities_network_plugin.badges.models import Award, CourseStanding, EventState, LearnerEvent
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import attendance
from cities_network_plugin.opportunities.models import OpportunityCompletion

from .conftest import COURSE, send_passing
from tests.host.platform_standin.models import StandinCertificate, StandinCourseGrade

BASE = "/cities-network/api/v1/cities"


@pytest.fixture
def event_opportunity(city_a):
    return opportunities_api.create_opportunity(city_a, {"title": "Repair café", "status": "published"})


@pytest.fixture
def visitor_badge(city_a, event_opportunity):
    return badges_api.create_class(city_a, {
        "name": "Visitor", "description": "d", "criteria_narrative": "Come to the repair café.", "status": "active",
        "groups": [{"requirements": [{"kind": "opportunity_attended", "target": str(event_opportunity.uuid)}]}]})


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_organiser_records_attendance_and_the_badge_follows(core_a, learner, event_opportunity, visitor_badge,
                                                            events):
    url = f"{BASE}/alpha/opportunities/{event_opportunity.uuid}/attendance/"
    response, _ = events(api_client(core_a).post, url, {"user": "learner"}, format="json")
    assert response.status_code == 201
    assert Award.objects.get().badge_class == visitor_badge
    again, _ = events(api_client(core_a).post, url, {"user": "learner"}, format="json")
    assert again.status_code == 200 and OpportunityCompletion.objects.count() == 1
    assert api_client(core_a).post(url, {"user": "nobody"}, format="json").json()["user"] == [
        "'nobody' does not name one account. Check it with the person, or give their username."]


@pytest.mark.django_db
def test_attendance_csv_is_checked_whole(core_a, learner, make_user, event_opportunity, events):
    make_user("ana", email="ana@example.com")
    url = f"{BASE}/alpha/opportunities/{event_opportunity.uuid}/attendance/import/"
    bad = io.BytesIO(b"user\nlearner\nghost\nlearner@example.com\n")
    response = api_client(core_a).post(url, {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 3, "message": "'ghost' does not name one account. Check it with the person, or give their username."},
        {"line": 4, "message": "'learner@example.com' is listed already on line 2."}]
    assert not OpportunityCompletion.objects.exists()
    dry = api_client(core_a).post(url, {"file": io.BytesIO(b"user\nlearner\nana@example.com\n"), "dry_run": True},
                                  format="multipart")
    assert dry.json()["added"] == ["learner", "ana"] and not OpportunityCompletion.objects.exists()
    response, _ = events(api_client(core_a).post, url, {"file": io.BytesIO(b"user\nlearner\nana@example.com\n")},
                         format="multipart")
    assert response.status_code == 200 and OpportunityCompletion.objects.count() == 2


@pytest.mark.django_db
def test_claim_codes_are_time_boxed_and_one_per_learner(core_a, learner, event_opportunity, visitor_badge, events):
    now = timezone.now()
    response = api_client(core_a).post(f"{BASE}/alpha/opportunities/{event_opportunity.uuid}/claim-codes/", {
        "valid_from": (now - datetime.timedelta(hours=1)).isoformat(),
        "valid_until": (now + datetime.timedelta(hours=2)).isoformat()}, format="json")
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["claim_url"].endswith(f"/cities-network/claim/{code}/")
    claim = api_client(learner)
    assert claim.post("/cities-network/api/v1/claim/", {"code": "WRONG123"}, format="json").json()["code"] == [
        "This code is not known. Check it with the organiser."]
    typed = f"{code[:4].lower()}-{code[4:]}"  # people type codes in any case, with dashes
    response, _ = events(claim.post, "/cities-network/api/v1/claim/", {"code": typed}, format="json")
    assert response.status_code == 201
    assert Award.objects.get().badge_class == visitor_badge
    twice = claim.post("/cities-network/api/v1/claim/", {"code": code}, format="json")
    assert "already recorded your attendance" in twice.json()["code"][0]
    with pytest.raises(Exception, match="expired on"):
        attendance.claim(learner, code, now=now + datetime.timedelta(days=1))


@pytest.mark.django_db
def test_claim_windows_and_unpublished_events_are_refused(city_a, core_a):
    draft = opportunities_api.create_opportunity(city_a, {"title": "Secret"})
    now = timezone.now()
    with pytest.raises(Exception, match="Publish the opportunity"):
        attendance.create_claim_code(draft, now, now + datetime.timedelta(hours=1))
    draft.status = "published"
    draft.save()
    with pytest.raises(Exception, match="at most 31 days"):
        attendance.create_claim_code(draft, now, now + datetime.timedelta(days=40))


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_CLAIM_RATE_LIMIT="3/h")
def test_claims_are_rate_limited_per_learner(learner):
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()
    client = api_client(learner)
    statuses = [client.post("/cities-network/api/v1/claim/", {"code": f"GUESS{n:03d}"}, format="json").status_code
                for n in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


@pytest.mark.django_db
def test_claim_page_from_the_qr_link(learner, event_opportunity, visitor_badge, events):
    now = timezone.now()
    code = attendance.create_claim_code(event_opportunity, now - datetime.timedelta(minutes=5),
                                        now + datetime.timedelta(hours=1))
    anonymous = Client()
    assert anonymous.get(f"/cities-network/claim/{code.code}/").status_code == 302  # to the login page
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    page = client.get(f"/cities-network/claim/{code.code}/")
    assert "Repair café" in page.content.decode() and not OpportunityCompletion.objects.exists()
    token = page.cookies["csrftoken"].value
    response, _ = events(client.post, f"/cities-network/claim/{code.code}/", {"csrfmiddlewaretoken": token})
    assert "is recorded" in response.content.decode()
    assert Award.objects.filter(user=learner, badge_class=visitor_badge).exists()


@pytest.mark.django_db
def test_backfill_from_platform_grades_and_from_csv(city_a, learner, make_user, tmp_path):
    badges_api.create_class(city_a, {"name": "Bikes", "description": "d", "criteria_narrative": "c",
                                     "status": "active", "groups": [{"requirements": [
                                         {"kind": "course_passed", "target": COURSE}]}]})
    other = make_user("ana")
    StandinCourseGrade.update_or_create(learner.pk, COURSE, percent_grade=0.8, letter_grade="Pass", passed=True)
    StandinCourseGrade.update_or_create(other.pk, COURSE, percent_grade=0.3)
    out = io.StringIO()
    call_command("cities_network_backfill", "--dry-run", stdout=out)
    assert "would award 1 badges to 1 learners" in out.getvalue() and not Award.objects.exists()
    call_command("cities_network_backfill", stdout=out)
    assert list(Award.objects.values_list("user__username", flat=True)) == ["learner"]
    assert Award.objects.get().evidence["backfill"] is True
    csv_file = tmp_path / "outcomes.csv"
    csv_file.write_text(f"user,course_key,status\nana,{COURSE},passed\nghost,{COURSE},passed\nana,bad,won\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 bad lines; nothing was done"):
        call_command("cities_network_backfill", "--csv", str(csv_file), stdout=out, stderr=err)
    assert "line 3: no learner 'ghost'." in err.getvalue()
    assert "line 4: 'bad' is not a course key; 'won' is not a status" in err.getvalue()
    csv_file.write_text(f"user,course_key,status\nana@example.com,{COURSE},passed\n")
    call_command("cities_network_backfill", "--csv", str(csv_file), stdout=out)
    assert Award.objects.count() == 2


@pytest.mark.django_db
def test_backfill_never_overrides_a_live_event(city_a, learner, events):
    events(send_passing, learner, is_passing=False)
    StandinCourseGrade.update_or_create(learner.pk, COURSE, percent_grade=0.9, letter_grade="Pass", passed=True)
    call_command("cities_network_backfill", stdout=io.StringIO())
    assert CourseStanding.objects.get(user=learner).passing is False


@pytest.mark.django_db
def test_backfill_and_events_agree_on_a_learner_who_passed_once_and_fell_below(city_a, learner, make_user, events):
    """
    The LMS sends the current state (``is_passing``); the grade row keeps ``passed_timestamp`` from the first pass.
    A learner who fell below passing is not passing, whether the events or the backfill say so.
    """
    badges_api.create_class(city_a, {"name": "Bikes", "description": "d", "criteria_narrative": "c",
                                     "status": "active", "groups": [{"requirements": [
                                         {"kind": "course_passed", "target": COURSE}]}]})
    by_events, by_backfill = make_user("by_events"), make_user("by_backfill")
    events(send_passing, by_events, is_passing=True)
    events(send_passing, by_events, is_passing=False)
    StandinCourseGrade.update_or_create(by_backfill.pk, COURSE, percent_grade=0.8, letter_grade="Pass", passed=True)
    StandinCourseGrade.update_or_create(by_backfill.pk, COURSE, percent_grade=0.4, letter_grade="", passed=False)
    call_command("cities_network_backfill", stdout=io.StringIO())
    standings = dict(CourseStanding.objects.filter(course_key=COURSE).values_list("user__username", "passing"))
    assert standings == {"by_events": False, "by_backfill": False}
    assert not Award.objects.filter(user=by_backfill).exists()


@pytest.mark.django_db
def test_backfill_awards_a_certificate_held_without_a_grade_row(city_a, learner):
    badges_api.create_class(city_a, {"name": "Certified", "description": "d", "criteria_narrative": "c",
                                     "status": "active", "groups": [{"requirements": [
                                         {"kind": "certificate_earned", "target": COURSE}]}]})
    StandinCertificate.objects.create(user=learner, course_id=COURSE, mode="verified", status="downloadable")
    call_command("cities_network_backfill", stdout=io.StringIO())
    assert Award.objects.get(user=learner).badge_class.name == "Certified"
    standing = CourseStanding.objects.get(user=learner)
    assert (standing.certificate_mode, standing.passing) == ("verified", False)


@pytest.mark.django_db
def test_a_fault_is_kept_on_the_inbox_and_a_retry_completes(city_a, learner, events, caplog):
    badges_api.create_class(city_a, {"name": "Bikes", "description": "d", "criteria_narrative": "c",
                                     "status": "active", "groups": [{"requirements": [
                                         {"kind": "course_passed", "target": COURSE}]}]})
    with mock.patch.object(pipeline.engine, "process", side_effect=RuntimeError("evaluation exploded")):
        events(send_passing, learner)
    row = LearnerEvent.objects.get()
    assert (row.state, row.attempts) == (EventState.FAILED, 1)
    assert row.error == "RuntimeError: evaluation exploded"
    assert not Award.objects.exists() and not CourseStanding.objects.filter(passing=True).exists()
    out = io.StringIO()
    call_command("cities_network_sweep", "--older-than", "0", "--inline", stdout=out)
    assert "1 waiting or failed events processed." in out.getvalue()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error) == (EventState.PROCESSED, 2, "")
    assert Award.objects.count() == 1
    # The same run brought the network report's summaries up to date with the new award.
    assert "Network report summaries: 1 new awards, revocations and completions counted." in out.getvalue()
    assert Award.objects.get().tally == 1


@pytest.mark.django_db
def test_the_sender_never_sees_an_exception(learner, caplog):
    with mock.patch.object(pipeline, "record", side_effect=DatabaseError("database is gone")):
        send_passing(learner)  # the platform's grade save would go on
    assert "could not be recorded" in caplog.text
    assert not LearnerEvent.objects.exists()


@pytest.mark.django_db
def test_badge_admin_is_scoped_and_revokes_with_a_reason(client, admin_a, admin_b, learner, city_a, city_b):
    mine = badges_api.create_class(city_a, {"name": "Alpha badge", "description": "d", "criteria_narrative": "c",
                                            "status": "active", "groups": [{"requirements": [{"kind": "manual"}]}]})
    theirs = badges_api.create_class(city_b, {"name": "Beta badge", "description": "d", "criteria_narrative": "c",
                                              "status": "active", "groups": [{"requirements": [{"kind": "manual"}]}]})
    award_a = badges_api.manual_award(mine, learner, "Evidence", awarded_by=admin_a)
    award_b = badges_api.manual_award(theirs, learner, "Evidence", awarded_by=admin_b)
    client.force_login(admin_a)
    listing = client.get("/admin/cities_network_plugin/badgeclass/").content.decode()
    assert "Alpha badge" in listing and "Beta badge" not in listing
    for url in (f"/admin/cities_network_plugin/badgeclass/{theirs.pk}/change/",
                f"/admin/cities_network_plugin/award/{award_b.pk}/change/"):
        assert client.get(url).status_code == 404
    assert client.get("/admin/cities_network_plugin/learnerevent/").status_code == 403
    response = client.post(f"/admin/cities_network_plugin/award/{award_a.pk}/change/",
                           {"revoke_with_reason": "Given by mistake"})
    assert response.status_code == 302
    award_a.refresh_from_db()
    assert award_a.revoked and award_a.revocation_reason == "Given by mistake"
