"""The one permissions module: who may see and change which city's records."""
import pytest

from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy import permissions
from cities_network_plugin.tenancy.models import CityOrganization, CityRoleName


@pytest.mark.django_db
def test_network_managers_and_superusers_act_everywhere(network_manager, make_user, city_a, city_b):
    superuser = make_user("root", is_superuser=True, is_staff=True)
    for user in (network_manager, superuser):
        assert permissions.is_network_manager(user)
        assert set(permissions.cities_for(user, permissions.ADMINISTER)) == {city_a, city_b}
        assert permissions.can(user, permissions.ADMINISTER, city_b)
        assert permissions.can(user, permissions.ADMINISTER, None)  # network-level records


@pytest.mark.django_db
def test_city_admin_acts_only_in_their_city(admin_a, city_a, city_b):
    assert not permissions.is_network_manager(admin_a)
    assert list(permissions.cities_for(admin_a, permissions.ADMINISTER)) == [city_a]
    for action in (permissions.VIEW, permissions.WORK, permissions.ADMINISTER):
        assert permissions.can(admin_a, action, city_a)
        assert permissions.can(admin_a, action, city_a.pk)
        assert not permissions.can(admin_a, action, city_b)
    assert not permissions.can(admin_a, permissions.VIEW, None)


@pytest.mark.django_db
def test_core_team_works_but_does_not_administer(core_a, city_a):
    assert permissions.can(core_a, permissions.VIEW, city_a)
    assert permissions.can(core_a, permissions.WORK, city_a)
    assert not permissions.can(core_a, permissions.ADMINISTER, city_a)


@pytest.mark.django_db
def test_learners_anonymous_and_inactive_users_see_nothing(learner, admin_a, city_a):
    from django.contrib.auth.models import AnonymousUser  # pylint: disable=import-outside-toplevel

    admin_a.is_active = False
    for user in (learner, AnonymousUser(), admin_a, None):
        permissions.forget(user)
        assert not permissions.has_any_city_role(user)
        assert not permissions.can(user, permissions.VIEW, city_a)
        assert not permissions.cities_for(user).exists()


@pytest.mark.django_db
def test_scope_filters_querysets_by_city(admin_a, network_manager, city_a, city_b):
    organizations = CityOrganization.objects.all()
    assert {o.org for o in permissions.scope(organizations, admin_a)} == {"AlphaX"}
    assert {o.org for o in permissions.scope(organizations, network_manager)} == {"AlphaX", "BetaX"}


@pytest.mark.django_db
def test_role_changes_are_seen_after_forget(learner, city_b):
    assert not permissions.can(learner, permissions.VIEW, city_b)
    tenancy_api.set_member(city_b, learner, CityRoleName.CORE_TEAM)  # set_member forgets the memo itself
    assert permissions.can(learner, permissions.VIEW, city_b)
    tenancy_api.remove_member(city_b, learner)
    assert not permissions.can(learner, permissions.VIEW, city_b)


def test_unknown_action_is_an_error():
    with pytest.raises(ValueError, match="Unknown action"):
        permissions.city_ids_for(None, "delete-everything")
