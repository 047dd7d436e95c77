"""Migration 0012 rewrites requirement targets that name a uuid in another spelling as ``str(uuid)`` gives it."""
import importlib

import pytest
from django.apps import apps

from cities_network_plugin.badges.models import Requirement, RequirementGroup

from .conftest import COURSE

migration = importlib.import_module("cities_network_plugin.migrations.0012_requirement_uuid_targets")


@pytest.mark.django_db
def test_uuid_targets_are_written_as_str_uuid_and_others_left_alone(make_class):
    first = make_class([{"requirements": [{"kind": "course_passed", "target": COURSE}]}], name="First")
    group = RequirementGroup.objects.create(badge_class=first, position=1)
    upper = Requirement.objects.create(group=group, kind="badge_earned", target=first.uuid.hex.upper())
    garbage = Requirement.objects.create(group=group, kind="playlist_completed", target="not a uuid")
    course = Requirement.objects.get(kind="course_passed")
    migration.normalise(apps, None)
    assert Requirement.objects.get(pk=upper.pk).target == str(first.uuid)
    assert Requirement.objects.get(pk=garbage.pk).target == "not a uuid"
    assert Requirement.objects.get(pk=course.pk).target == COURSE
