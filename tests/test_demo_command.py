"""The demo seeding command."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from cities_network_plugin.onboarding.models import CityOnboarding
from cities_network_plugin.opportunities.models import Opportunity, Playlist
from cities_network_plugin.tenancy import permissions
from cities_network_plugin.tenancy.models import City, CityOrganization, CityRole


@pytest.mark.django_db
def test_demo_seeds_a_network_and_is_idempotent():
    with override_settings(DEBUG=True):
        call_command("cities_network_demo", stdout=io.StringIO())
        counts = (City.objects.count(), CityOrganization.objects.count(), CityRole.objects.count(),
                  get_user_model().objects.count())
        call_command("cities_network_demo", stdout=io.StringIO())
    assert counts == (City.objects.count(), CityOrganization.objects.count(), CityRole.objects.count(),
                      get_user_model().objects.count())
    assert counts[0] >= 3
    assert set(City.objects.values_list("status", flat=True)) >= {"prospect", "onboarding", "member"}
    users = get_user_model().objects
    assert permissions.is_network_manager(users.get(username="nina"))
    assert permissions.can(users.get(username="ruta"), permissions.ADMINISTER, City.objects.get(slug="vilnius"))
    assert not permissions.has_any_city_role(users.get(username="learner"))
    assert users.get(username="learner").check_password("demo-password")
    # Cities at different onboarding stages, with opportunities (some in person, with coordinates) and playlists.
    stages = dict(CityOnboarding.objects.values_list("city__slug", "current_stage__number"))
    assert stages == {"vilnius": 5, "rotterdam": 3, "fermo": 2, "novi-sad": 1}
    assert Opportunity.objects.published().filter(latitude__isnull=False).count() >= 4
    assert Opportunity.objects.filter(course_key__isnull=False).count() == 4
    assert Playlist.objects.filter(status="published").count() == 3


@pytest.mark.django_db
def test_demo_refuses_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("cities_network_demo")
    assert not City.objects.exists()
