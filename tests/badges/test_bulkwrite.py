"""
``badges.bulkwrite``: rows written straight from values come back exactly as the ORM would have stored them, on
SQLite and on MariaDB (where the plugin writes the multi-row statement itself), whatever the text holds.
"""
import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities_network_plugin.badges import bulkwrite
from cities_network_plugin.badges.models import Award, BadgeProgress, CourseStanding

AWKWARD = ["O'Brien", 'say "hi"', "back\\slash", "100% sure %s %(x)s", "Šiauliai – Łódź ✓", "line\nbreak", "",
           "tab\there", "'; DROP TABLE auth_user; --", "\\'", "😀"]


@pytest.mark.django_db
def test_awkward_text_is_stored_as_given(make_class, make_user):
    badge = make_class([{"requirements": [{"kind": "manual"}]}])
    users = [make_user(f"bulk{n}") for n in range(len(AWKWARD))]
    now = datetime.datetime(2026, 11, 28, 12, 30, 15, 123456, tzinfo=datetime.UTC)
    rows = [(uuid.uuid4(), badge.pk, user.pk, 1, f"{n}@example.com", name, "ab" * 16, now, None, False, name,
             bulkwrite.prepare(Award, "evidence", {"note": name, "n": n}), 0)
            for n, (user, name) in enumerate(zip(users, AWKWARD, strict=True))]
    columns = ("uuid", "badge_class", "user", "attempt", "recipient_email", "recipient_name", "salt", "issued_at",
               "expires_at", "revoked", "revocation_reason", "evidence", "tally")
    assert bulkwrite.insert(Award, columns, rows, batch_size=4, prepared=("evidence",)) == len(AWKWARD)
    stored = {a.user_id: a for a in Award.objects.all()}
    for row in rows:
        award = stored[row[2]]
        assert (award.uuid, award.recipient_name, award.revocation_reason) == (row[0], row[5], row[10])
        assert award.evidence == {"note": row[5], "n": rows.index(row)}
        assert (award.issued_at, award.expires_at, award.revoked) == (now, None, False)
    assert get_user_model().objects.count() == len(AWKWARD)  # the text that looks like SQL stayed text


@pytest.mark.django_db
def test_an_upsert_updates_the_rows_that_exist(make_class, make_user):
    badge = make_class([{"requirements": [{"kind": "manual"}]}])
    ana, ben = make_user("ana"), make_user("ben")
    BadgeProgress.objects.create(user=ana, badge_class=badge, groups_met=0, groups_total=2, requirements_met=0,
                                 requirements_total=2, detail=[])
    columns = ("user", "badge_class", "groups_met", "groups_total", "requirements_met", "requirements_total",
               "detail", "updated_at")
    now = datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)
    bulkwrite.insert(BadgeProgress, columns, [(ana.pk, badge.pk, 1, 2, 1, 2, [{"it's": "50%"}], now),
                                              (ben.pk, badge.pk, 2, 2, 2, 2, [], now)],
                     update=columns[2:], unique=("user", "badge_class"))
    assert sorted(BadgeProgress.objects.values_list("user__username", "groups_met", "detail")) == [
        ("ana", 1, [{"it's": "50%"}]), ("ben", 2, [])]


@pytest.mark.django_db
def test_long_batches_go_in_several_statements_and_a_wrong_row_is_refused(make_user):
    users = [make_user(f"long{n}") for n in range(3)]
    key = "course-v1:Long+" + "x" * 200 + "+2026"
    rows = [(users[n % 3].pk, f"{key}{n}", True, "", "", "") for n in range(3000)]
    columns = ("user", "course_key", "passing", "grade", "certificate_mode", "certificate_status")
    with CaptureQueriesContext(connection) as captured:
        assert bulkwrite.insert(CourseStanding, columns, rows, batch_size=3000) == 3000
    assert CourseStanding.objects.count() == 3000
    if connection.vendor == "mysql":  # ~650 KB of rows: split below the statement size the plugin keeps to
        assert len([q for q in captured.captured_queries if q["sql"].startswith("INSERT")]) >= 2
    with pytest.raises(ValueError, match="need 6 values"):
        bulkwrite.insert(CourseStanding, columns, [(users[0].pk, "course-v1:A+B+C", True)])
