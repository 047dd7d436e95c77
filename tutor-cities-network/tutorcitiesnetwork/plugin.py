"""
The Tutor plugin "cities-network" (Tutor v1 plugin API): installs cities-network-plugin into the openedx image,
sets its ``CITIES_NETWORK_*`` Django settings from the Tutor configuration, and runs its set-up commands as init
tasks. ``tutor plugins enable cities-network && tutor config save``; see docs/install-tutor.md in the repository.

The templates are in ``templates/`` and rendered by Tutor with its configuration, like any Tutor template.
"""
from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from tutor import hooks
from tutor import plugins as tutor_plugins

from . import __version__

# Every Celery task of cities-network-plugin, by the name it is registered under (module path and function).
# edx-platform routes tasks by exact name only (see templates/settings.py.j2), so a routing setting needs the
# list; the tests compare it with the ``@shared_task`` functions of the plugin's source, so it cannot go stale.
CELERY_TASKS = (
    "cities_network_plugin.badges.tasks.process_learner_event",
    "cities_network_plugin.badges.tasks.send_award_email",
    "cities_network_plugin.badges.tasks.sweep_inbox",
    "cities_network_plugin.onboarding.tasks.evaluate_all_cities",
    "cities_network_plugin.onboarding.tasks.evaluate_city_onboarding",
    "cities_network_plugin.onboarding.tasks.send_onboarding_email",
    "cities_network_plugin.opportunities.tasks.sync_city_tag",
    "cities_network_plugin.opportunities.tasks.sync_course_opportunity",
    "cities_network_plugin.webhooks.tasks.deliver_webhook",
)

hooks.Filters.CONFIG_DEFAULTS.add_items([
    ("CITIES_NETWORK_VERSION", __version__),
    # Anything pip accepts: a release from your package index, or e.g.
    # "git+https://git.example.org/cities-network-plugin.git@v0.1.0".
    ("CITIES_NETWORK_PIP_SPEC", "cities-network-plugin=={{ CITIES_NETWORK_VERSION }}"),
    # The network as an Open Badges issuer, and the address of its managers (sender of network emails).
    ("CITIES_NETWORK_ISSUER_NAME", "Cities of Learning Network"),
    ("CITIES_NETWORK_ISSUER_URL", ""),
    ("CITIES_NETWORK_CONTACT_EMAIL", "{{ CONTACT_EMAIL }}"),
    # Open Badges 3.0 signing keys: algorithm of new keys, and where private keys are kept. Empty directory:
    # encrypted in the database with CITIES_NETWORK_KEY_ENCRYPTION_SECRET.
    ("CITIES_NETWORK_KEY_ALGORITHM", "EdDSA"),
    ("CITIES_NETWORK_KEY_FILES_DIR", ""),
    # JSON-LD contexts for the embedded-proof form of OB 3.0 credentials; empty: that form is off (VC-JWT stays).
    ("CITIES_NETWORK_JSONLD_CONTEXTS_DIR", ""),
    # Feature toggles.
    ("CITIES_NETWORK_BADGES_ENABLED", True),
    ("CITIES_NETWORK_AWARD_EMAILS", True),
    ("CITIES_NETWORK_ONBOARDING_EMAILS", True),
    # A Celery queue for the plugin's tasks; empty: the platform's default queues.
    ("CITIES_NETWORK_CELERY_QUEUE", ""),
])

# Generated once by `tutor config save` and kept in config.yml: never change it while keys exist.
hooks.Filters.CONFIG_UNIQUE.add_items([
    ("CITIES_NETWORK_KEY_ENCRYPTION_SECRET", "{{ 24|random_string }}"),
])


def queue_has_worker(queue: str) -> bool:
    """
    Whether one of Tutor's own Celery workers (lms-worker, cms-worker) consumes ``queue``. If none does, the
    plugin adds a worker for it, or the tasks routed there would wait forever.
    """
    for command in (hooks.Filters.LMS_WORKER_COMMAND, hooks.Filters.CMS_WORKER_COMMAND):
        for argument in command.iterate():
            if argument.startswith("--queues=") and queue in argument.split("=", 1)[1].split(","):
                return True
    return False


hooks.Filters.ENV_TEMPLATE_VARIABLES.add_items([
    ("cities_network_celery_tasks", CELERY_TASKS),
    ("cities_network_queue_has_worker", queue_has_worker),
])


def _template(name: str) -> str:
    return (resources.files("tutorcitiesnetwork") / "templates" / name).read_text(encoding="utf-8")


_SETTINGS = _template("settings.py.j2")

hooks.Filters.ENV_PATCHES.add_items([
    ("openedx-dockerfile-post-python-requirements", _template("dockerfile.j2")),
    ("openedx-lms-common-settings", _SETTINGS),
    ("openedx-cms-common-settings", _SETTINGS),
    ("local-docker-compose-prod-services", _template("worker-compose.yml.j2")),
    ("k8s-deployments", _template("worker-k8s.yml.j2")),
])

# Run after Tutor's own init tasks, in this order (the taxonomy needs the plugin's tables), at every
# `tutor local launch` and `tutor local do init [--limit=cities-network]`; both are safe to repeat.
hooks.Filters.CLI_DO_INIT_TASKS.add_items([
    ("lms", _template("init-lms.sh.j2")),
    ("cms", _template("init-cms.sh.j2")),
])


# --- Micro-frontend widgets (with tutor-mfe) -------------------------------------------------------------------------
# The widgets' source (widgets/src, see docs/decisions/0014-mfe-widgets.md) is copied verbatim into tutor-mfe's image
# build context at every `tutor config save`, then next to each MFE's env.config.jsx, whose webpack builds it with the
# MFE's own React and @edx/frontend-platform. env.config.jsx is one file for every MFE, so every MFE gets the folder
# (its build-time imports must resolve in each); the slots below insert the widgets only into their own MFE.
WIDGETS_SOURCE = Path(__file__).resolve().parent / "widgets" / "src"
WIDGETS_DIR = "cities-network-widgets"
WIDGET_FILES = ("*.js", "*.jsx")

hooks.Filters.ENV_PATCHES.add_items([
    # tutor-mfe's Dockerfile: in each MFE's stage, after `COPY env.config.jsx /openedx/app`.
    ("mfe-dockerfile-pre-npm-build", f"COPY {WIDGETS_DIR} /openedx/app/{WIDGETS_DIR}"),
    ("mfe-env-config-buildtime-imports",
     "import { CourseCitiesWidget as CitiesNetworkCourseCitiesWidget, "
     f"LearnerBadgesWidget as CitiesNetworkLearnerBadgesWidget }} from './{WIDGETS_DIR}';"),
])


def _slot_widget(widget_id: str, component: str) -> str:
    """A frontend-plugin-framework Insert of a direct plugin, in env.config.jsx's JavaScript."""
    return ("{ op: PLUGIN_OPERATIONS.Insert, widget: { "
            f"id: '{widget_id}', type: DIRECT_PLUGIN, priority: 60, RenderWidget: {component} }} }}")


# (MFE, slot, widget): the slots' ids as the MFEs declare them (frontend-app-authoring's
# src/plugin-slots/CourseAuthoringOutlineSidebarSlot, frontend-app-learner-dashboard's
# src/plugin-slots/WidgetSidebarSlot).
MFE_SLOTS = (
    ("authoring", "org.openedx.frontend.authoring.course_outline_sidebar.v1",
     _slot_widget("cities_network_course_cities", "CitiesNetworkCourseCitiesWidget")),
    ("learner-dashboard", "org.openedx.frontend.learner_dashboard.widget_sidebar.v1",
     _slot_widget("cities_network_learner_badges", "CitiesNetworkLearnerBadgesWidget")),
)

try:
    from tutormfe.hooks import PLUGIN_SLOTS
except ImportError:  # tutor-mfe is not installed: no MFE to put widgets into
    PLUGIN_SLOTS = None
if PLUGIN_SLOTS is not None:
    PLUGIN_SLOTS.add_items(list(MFE_SLOTS))


@hooks.Actions.ENV_SAVED.add()
def _copy_widgets(root: str, config: dict) -> None:  # pylint: disable=unused-argument
    """The widgets' files, as they are, into tutor-mfe's build context (Tutor would render them as templates)."""
    if not tutor_plugins.is_loaded("mfe"):
        return
    target = Path(root) / "plugins" / "mfe" / "build" / "mfe" / WIDGETS_DIR
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for pattern in WIDGET_FILES:
        for source in WIDGETS_SOURCE.glob(pattern):
            shutil.copy2(source, target / source.name)
