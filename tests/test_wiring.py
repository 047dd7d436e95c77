"""The plugin is found and wired by the edx-django-utils plugin API, as edx-platform does it."""
import subprocess
import sys
import types
from pathlib import Path

from django.conf import settings
from django.urls import resolve, reverse
from edx_django_utils.plugins import get_plugin_apps, get_plugin_url_patterns

from cities_network_plugin.settings import common, production
from cities_network_plugin.settings import test as test_settings

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_entry_points_register_the_app_for_both_projects():
    expected = "cities_network_plugin.apps.CitiesNetworkPluginConfig"
    assert expected in get_plugin_apps("lms.djangoapp")
    assert expected in get_plugin_apps("cms.djangoapp")
    assert expected in settings.INSTALLED_APPS


def test_urls_are_mounted_under_the_prefix_and_namespace():
    assert reverse("cities_network_plugin:api-v1-cities") == "/cities-network/api/v1/cities/"
    assert reverse("cities_network_plugin:api-v1-schema") == "/cities-network/api/v1/schema/"
    match = resolve("/cities-network/api/v1/cities/vilnius/")
    assert match.namespace == "cities_network_plugin"
    assert match.kwargs == {"slug": "vilnius"}
    patterns = [str(p.pattern) for p in get_plugin_url_patterns("lms.djangoapp")]
    assert "^cities-network/" in patterns


def test_plugin_settings_defaults_were_applied():
    assert settings.CITIES_NETWORK_NAME == "Cities of Learning Network"
    assert settings.CITIES_NETWORK_API_PAGE_SIZE == 50
    # The "test" settings type ran after "common".
    assert settings.CITIES_NETWORK_CONTACT_EMAIL == "network-managers@example.com"


def test_operator_values_are_never_overwritten():
    # The host set the backend before add_plugins ran; the plugin's default must not replace it.
    assert settings.CITIES_NETWORK_PLATFORM_BACKEND == "tests.host.platform_standin.backend.StandinBackend"
    module = types.SimpleNamespace(CITIES_NETWORK_NAME="Learning Cities of the North")
    common.plugin_settings(module)
    assert module.CITIES_NETWORK_NAME == "Learning Cities of the North"
    assert module.CITIES_NETWORK_API_PAGE_SIZE == 50
    test_module = types.SimpleNamespace(CITIES_NETWORK_CONTACT_EMAIL="ops@city.example")
    test_settings.plugin_settings(test_module)
    assert test_module.CITIES_NETWORK_CONTACT_EMAIL == "ops@city.example"


def test_production_settings_read_env_tokens():
    module = types.SimpleNamespace(ENV_TOKENS={"CITIES_NETWORK_API_PAGE_SIZE": 20, "OTHER": 1})
    production.plugin_settings(module)
    assert module.CITIES_NETWORK_API_PAGE_SIZE == 20
    assert module.CITIES_NETWORK_NAME == "Cities of Learning Network"
    assert not hasattr(module, "OTHER")


def test_studio_host_loads_the_plugin_the_same_way():
    """A fresh interpreter with the CMS settings: app installed, URLs mounted, checks clean."""
    script = (
        "import django; django.setup();"
        "from django.conf import settings; from django.urls import reverse;"
        "from django.core.management import call_command;"
        "assert 'cities_network_plugin.apps.CitiesNetworkPluginConfig' in settings.INSTALLED_APPS;"
        "assert settings.ROOT_URLCONF == 'tests.host.urls_cms';"
        "print(reverse('cities_network_plugin:api-v1-cities'));"
        "call_command('check', fail_level='WARNING')"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "tests.host.cms_settings", "PATH": "/usr/bin:/bin"}, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "/cities-network/api/v1/cities/" in result.stdout


def test_migrations_are_complete(db):  # pylint: disable=unused-argument
    """Every model change has its migration (``makemigrations --check`` finds nothing to write)."""
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    call_command("makemigrations", "cities_network_plugin", "--check", "--dry-run", verbosity=0)


def test_every_setting_is_annotated_for_the_reference():
    """docs/settings.md is generated from ``.. setting_name:`` annotations, so each default needs one."""
    source = Path(common.__file__).read_text(encoding="utf-8")
    for name in common.DEFAULTS:
        assert name.startswith("CITIES_NETWORK_")
        assert f"# .. setting_name: {name}\n" in source, f"{name} has no setting annotation"


def test_every_toggle_is_annotated():
    from edx_toggles.toggles import SettingToggle  # pylint: disable=import-outside-toplevel

    from cities_network_plugin import toggles  # pylint: disable=import-outside-toplevel

    source = Path(toggles.__file__).read_text(encoding="utf-8")
    found = [value for value in vars(toggles).values() if isinstance(value, SettingToggle)]
    assert found
    for toggle in found:
        assert f"# .. toggle_name: {toggle.name}\n" in source, f"{toggle.name} has no toggle annotation"


def test_settings_reference_is_current():
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "scripts/settings_reference.py", "--check"], cwd=REPO_ROOT, capture_output=True,
        text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
