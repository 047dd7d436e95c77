"""From real openedx-events signals to awards: inbox, dedup, order, groups, meta-badges, revocation."""
import pytest
from django.core import mail
from django.test import override_settings
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award, BadgeProgress, EventState, LearnerEvent
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities.models import Playlist

from .conftest import COURSE, COURSE_2, at, send_certificate, send_passing

PASS = {"kind": "course_passed", "target": COURSE}
PASS_2 = {"kind": "course_passed", "target": COURSE_2}


@pytest.mark.django_db
def test_passing_a_course_awards_the_badge_with_evidence(make_class, learner, events):
    badge = make_class([{"requirements": [PASS]}])
    events(send_passing, learner)
    award = Award.objects.get()
    assert (award.user, award.badge_class, award.recipient_email) == (learner, badge, "learner@example.com")
    assert award.evidence["course_key"] == COURSE
    assert award.evidence["requirements"] == [{"kind": "course_passed", "target": COURSE}]
    assert award.salt and not award.revoked
    row = LearnerEvent.objects.get()
    assert (row.state, row.target, row.attempts) == (EventState.PROCESSED, COURSE, 1)
    assert "email" not in str(row.payload)  # the inbox keeps no personal data


@pytest.mark.django_db
def test_every_group_must_hold_and_progress_is_stored(make_class, learner, events):
    badge = make_class([{"requirements": [PASS]}, {"requirements": [PASS_2]}])
    events(send_passing, learner)
    assert not Award.objects.exists()
    progress = BadgeProgress.objects.get(user=learner, badge_class=badge)
    assert (progress.groups_met, progress.groups_total) == (1, 2)
    assert [p.badge_class for p in badges_api.progress_of(learner)] == [badge]
    events(send_passing, learner, course=COURSE_2)
    assert Award.objects.filter(user=learner, badge_class=badge).exists()
    # Earned: no longer under way (the award is the record; the earning event writes no progress for it).
    assert list(badges_api.progress_of(learner)) == []


@pytest.mark.django_db
def test_progress_is_under_way_again_when_the_award_is_revoked(make_class, learner, events):
    badge = make_class([{"requirements": [PASS]}, {"requirements": [PASS_2]}], revoke_when_passing_lost=True)
    events(send_passing, learner)
    events(send_passing, learner, course=COURSE_2)
    assert list(badges_api.progress_of(learner)) == []
    events(send_passing, learner, course=COURSE_2, is_passing=False)
    assert Award.objects.get(user=learner, badge_class=badge).revoked
    [progress] = badges_api.progress_of(learner)
    assert (progress.badge_class, progress.groups_met, progress.groups_total) == (badge, 1, 2)


@pytest.mark.django_db
def test_a_group_with_at_least_n(make_class, learner, events):
    third = {"kind": "course_passed", "target": "course-v1:AlphaX+Third+2026"}
    make_class([{"min_required": 2, "requirements": [PASS, PASS_2, third]}])
    events(send_passing, learner)
    assert not Award.objects.exists()
    detail = BadgeProgress.objects.get().detail[0]
    assert (detail["met"], detail["needed"], detail["of"]) == (1, 2, 3)
    events(send_passing, learner, course="course-v1:AlphaX+Third+2026")
    assert Award.objects.count() == 1


@pytest.mark.django_db
def test_the_same_event_delivered_three_times_changes_nothing(make_class, learner, events):
    make_class([{"requirements": [PASS]}])
    from openedx_events.data import EventsMetadata  # pylint: disable=import-outside-toplevel
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED  # pylint: disable=import-outside-toplevel

    from .conftest import CourseData, CourseKey, CoursePassingStatusData, user_data  # pylint: disable=import-outside-toplevel

    metadata = EventsMetadata(event_type=COURSE_PASSING_STATUS_UPDATED.event_type, time=at(0))
    data = CoursePassingStatusData(is_passing=True, course=CourseData(course_key=CourseKey.from_string(COURSE)),
                                   user=user_data(learner))
    for _ in range(3):
        events(COURSE_PASSING_STATUS_UPDATED.send_event_with_custom_metadata, metadata, course_passing_status=data)
    assert LearnerEvent.objects.count() == 1
    assert Award.objects.count() == 1


@pytest.mark.django_db
def test_out_of_order_events_keep_the_newest_standing(make_class, learner, events):
    make_class([{"requirements": [PASS]}], revoke_when_passing_lost=True)
    events(send_passing, learner, is_passing=True, time=at(10))
    events(send_passing, learner, is_passing=False, time=at(5))  # older, arrives late: ignored
    award = Award.objects.get()
    assert not award.revoked
    events(send_passing, learner, is_passing=False, time=at(20))  # newer: passing lost
    award.refresh_from_db()
    assert award.revoked
    assert award.revocation_reason == f"The learner no longer passes the course {COURSE}."


@pytest.mark.django_db
def test_losing_passing_keeps_the_badge_unless_the_class_says_otherwise(make_class, learner, events):
    make_class([{"requirements": [PASS]}])  # revoke_when_passing_lost defaults to False
    events(send_passing, learner, time=at(1))
    events(send_passing, learner, is_passing=False, time=at(2))
    assert not Award.objects.get().revoked


@pytest.mark.django_db
def test_certificates_of_given_modes_and_revocation(make_class, learner, events):
    make_class([{"requirements": [{"kind": "certificate_earned", "target": COURSE,
                                   "certificate_modes": ["verified"]}]}])
    events(send_certificate, learner, mode="audit", time=at(1))
    assert not Award.objects.exists()
    events(send_certificate, learner, mode="verified", time=at(2))
    award = Award.objects.get()
    assert award.evidence["certificate_mode"] == "verified" and award.evidence["grade"] == "0.91"
    events(send_certificate, learner, revoked=True, time=at(3))
    award.refresh_from_db()
    assert award.revoked and "certificate" in award.revocation_reason


@pytest.mark.django_db
def test_meta_badges_follow_the_badges_they_require(make_class, learner, events):
    first = make_class([{"requirements": [PASS]}], name="First")
    second = make_class([{"requirements": [PASS_2]}], name="Second")
    meta = make_class([{"requirements": [{"kind": "badge_earned", "target": str(first.uuid)},
                                         {"kind": "badge_earned", "target": str(second.uuid)}],
                        "min_required": 2}], name="Master")
    events(send_passing, learner)
    events(send_passing, learner, course=COURSE_2)
    assert set(Award.objects.values_list("badge_class__name", flat=True)) == {"First", "Second", "Master"}
    assert Award.objects.get(badge_class=meta).evidence["via_badges"]


@pytest.mark.django_db
def test_attendance_and_playlists_drive_awards(make_class, learner, city_a, events):
    event = opportunities_api.create_opportunity(city_a, {"title": "Repair café", "status": "published"})
    other = opportunities_api.create_opportunity(city_a, {"title": "Bike day", "status": "published"})
    playlist = Playlist.objects.create(city=city_a, title="Makers", status="published")
    opportunities_api.set_playlist_items(playlist, [(event, True), (other, True)])
    make_class([{"requirements": [{"kind": "opportunity_attended", "target": str(event.uuid)}]}], name="Visitor")
    make_class([{"requirements": [{"kind": "playlist_completed", "target": str(playlist.uuid)}]}], name="Maker")
    events(opportunities_api.record_completion, learner, event, source="attendance")
    assert list(Award.objects.values_list("badge_class__name", flat=True)) == ["Visitor"]
    events(opportunities_api.record_completion, learner, other, source="claim_code")
    assert set(Award.objects.values_list("badge_class__name", flat=True)) == {"Visitor", "Maker"}


@pytest.mark.django_db
def test_passing_a_course_completes_its_opportunity(make_class, learner, city_a, events):
    course = opportunities_api.create_opportunity(city_a, {"title": "Bikes", "course_key": COURSE,
                                                           "status": "published"})
    make_class([{"requirements": [{"kind": "opportunity_attended", "target": str(course.uuid)}]}])
    events(send_passing, learner)
    assert Award.objects.count() == 1
    assert course.completions.get().source == "course_passed"


@pytest.mark.django_db
def test_drafts_and_archived_classes_are_not_awarded(make_class, learner, events):
    make_class([{"requirements": [PASS]}], status="draft")
    make_class([{"requirements": [PASS]}], status="archived", name="Old")
    events(send_passing, learner)
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_badge_events_email_and_openedx_signals_after_commit(make_class, learner, events):
    make_class([{"requirements": [PASS]}], revoke_when_passing_lost=True)
    received = []

    def listener(signal, sender, badge, metadata, **kwargs):  # pylint: disable=unused-argument
        received.append((metadata.event_type, badge.uuid, badge.user.id, badge.template.name))

    BADGE_AWARDED.connect(listener)
    BADGE_REVOKED.connect(listener)
    try:
        events(send_passing, learner, time=at(1))
        award = Award.objects.get()
        assert received == [("org.openedx.learning.badge.awarded.v1", str(award.uuid), learner.pk, "Bike mechanic")]
        assert [m.subject for m in mail.outbox] == ['You earned the badge "Bike mechanic"']
        assert f"/cities-network/badges/{award.uuid}/" in mail.outbox[0].body
        events(send_passing, learner, is_passing=False, time=at(2))
        assert received[-1][0] == "org.openedx.learning.badge.revoked.v1"
    finally:
        BADGE_AWARDED.disconnect(listener)
        BADGE_REVOKED.disconnect(listener)


@pytest.mark.django_db
@override_settings(CITIES_NETWORK_BADGES_ENABLED=False, CITIES_NETWORK_AWARD_EMAILS=False)
def test_the_toggle_stops_the_receivers(make_class, learner, events):
    make_class([{"requirements": [PASS]}])
    events(send_passing, learner)
    assert not LearnerEvent.objects.exists() and not Award.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_reearning_after_revocation_only_where_allowed(make_class, learner, events):
    strict = make_class([{"requirements": [PASS]}], revoke_when_passing_lost=True, name="Strict")
    lenient = make_class([{"requirements": [PASS]}], revoke_when_passing_lost=True, allow_reearning=True,
                         name="Lenient")
    events(send_passing, learner, time=at(1))
    events(send_passing, learner, is_passing=False, time=at(2))
    events(send_passing, learner, time=at(3))
    assert Award.objects.filter(badge_class=strict).count() == 1
    assert list(Award.objects.filter(badge_class=lenient).values_list("attempt", "revoked")) == [(2, False), (1, True)]


@pytest.mark.django_db
def test_expiry_rules(make_class, learner, events):
    badge = make_class([{"requirements": [PASS]}], expiry_rule="days_after", expires_after_days=30)
    events(send_passing, learner)
    award = Award.objects.get(badge_class=badge)
    assert (award.expires_at - award.issued_at).days == 30
    assert engine.is_valid(award)
    assert not engine.is_valid(award, now=award.expires_at)


@pytest.mark.django_db
def test_the_platform_event_names_the_class_image_at_the_public_address(make_class, settings):
    from cities_network_plugin.badges import announcements

    settings.CITIES_NETWORK_PUBLIC_URL = "https://badges.example.org"
    badge_class = make_class([{"requirements": [PASS]}])
    assert announcements.badge_image_url(badge_class) == ""  # no image of its own: the event names none
    badge_class.image_type = "png"
    assert announcements.badge_image_url(badge_class) == (
        f"https://badges.example.org/cities-network/ob/v2/badges/{badge_class.uuid}/image")


@pytest.mark.django_db
def test_the_progress_admin_says_which_badges_are_held(make_class, learner, events, network_manager, client):
    both = make_class([{"requirements": [PASS]}, {"requirements": [PASS_2]}], name="Both courses")
    other = make_class([{"requirements": [PASS]}, {"requirements": [{"kind": "course_passed",
                                                                     "target": "course-v1:AlphaX+Else+2026"}]}],
                       name="Other pair")
    events(send_passing, learner)  # 1 of 2 for both classes
    events(send_passing, learner, course=COURSE_2)  # "Both courses" earned; its row from before stays
    client.force_login(network_manager)
    url = "/admin/cities_network_plugin/badgeprogress/"

    def listed(query=""):
        response = client.get(url + query)
        assert response.status_code == 200
        return {p.badge_class for p in response.context["cl"].result_list}

    assert listed() == {both, other}
    assert listed("?held=yes") == {both}
    assert listed("?held=no") == {other}
    assert "Badge held" in client.get(url).content.decode()
