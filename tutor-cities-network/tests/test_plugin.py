"""
The Tutor plugin with the real Tutor CLI: enable it in a throw-away Tutor project, save the configuration, and
read what Tutor rendered (the Dockerfile, the LMS and CMS settings, docker-compose and Kubernetes files, the init
tasks). No Docker is needed: nothing is built or started.
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tutorcitiesnetwork import __version__
from tutorcitiesnetwork.plugin import CELERY_TASKS

REPOSITORY = Path(__file__).resolve().parents[2]
MAIN_PACKAGE = REPOSITORY / "cities_network_plugin"
TUTOR = str(Path(sys.executable).with_name("tutor"))
SETTINGS_FILES = [f"apps/openedx/settings/{service}/{kind}.py"
                  for service in ("lms", "cms") for kind in ("production", "development")]
BLOCK_START = "# cities-network-plugin: set by the Tutor plugin"
BLOCK_END = "# End of the cities-network-plugin settings."

# Prints the init tasks of the plugin, rendered with the project's configuration: what
# `tutor local do init --limit=cities-network` would run, without Docker.
RENDER_INIT_TASKS = """
import json, sys
from tutor import config, env, hooks
hooks.Actions.CORE_READY.do()
hooks.Actions.PROJECT_ROOT_READY.do(sys.argv[1])
settings = config.load(sys.argv[1])
tasks = hooks.Filters.CLI_DO_INIT_TASKS.iterate_from_context(hooks.Contexts.app("cities-network").name)
print(json.dumps([[service, env.render_str(settings, task)] for service, task in tasks]))
"""


class Project:
    """A Tutor project (TUTOR_ROOT) in a temporary directory, driven through the ``tutor`` command."""

    def __init__(self, root: Path):
        self.root = root
        self.environ = {**os.environ, "TUTOR_ROOT": str(root), "TUTOR_PLUGINS_ROOT": str(root / "plugins")}

    def tutor(self, *args: str) -> str:
        done = subprocess.run([TUTOR, *args], env=self.environ, capture_output=True, text=True, timeout=60,
                              check=False)
        assert done.returncode == 0, f"tutor {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def config(self) -> dict:
        return yaml.safe_load((self.root / "config.yml").read_text())

    def env(self, path: str) -> str:
        return (self.root / "env" / path).read_text()

    def settings(self, path: str, **namespace) -> dict:
        """Run the plugin's block of a rendered settings file, and give back the names it set."""
        text = self.env(path)
        compile(text, path, "exec")  # the whole settings module is valid Python
        start, end = text.index(BLOCK_START), text.index(BLOCK_END)
        exec(text[start:end], namespace)  # noqa: S102 -- our own rendered template, in a throw-away namespace
        return namespace

    def init_tasks(self) -> list[tuple[str, str]]:
        done = subprocess.run([sys.executable, "-c", RENDER_INIT_TASKS, str(self.root)], env=self.environ,
                              capture_output=True, text=True, timeout=60, check=True)
        return [tuple(task) for task in json.loads(done.stdout.strip().splitlines()[-1])]


def new_project(path: Path, *settings: str) -> Project:
    """A project whose config.yml lists the plugin, saved with ``settings`` ("NAME=value")."""
    project = Project(path)
    (path / "config.yml").write_text("PLUGINS:\n- cities-network\n")
    project.tutor("config", "save", *[f"--set={setting}" for setting in settings])
    return project


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    """A project where the plugin was enabled the way an operator does, its configuration left at the defaults."""
    project = Project(tmp_path_factory.mktemp("tutor"))
    project.tutor("plugins", "enable", "cities-network")
    project.tutor("config", "save")
    return project


ISSUER_NAME = "Vilnius \"Learning\" City's network"
GIT_SPEC = "git+https://git.example.org/cities-network-plugin.git@v0.1.0"
CONTEXTS_DIR = "/openedx/media-private/cities-network/jsonld"


@pytest.fixture(scope="module")
def configured(tmp_path_factory) -> Project:
    """A project where the operator changed the plugin's settings with ``tutor config save --set``."""
    return new_project(tmp_path_factory.mktemp("tutor"), f"CITIES_NETWORK_ISSUER_NAME={ISSUER_NAME}",
                       "CITIES_NETWORK_ISSUER_URL=https://learningcities.example.org",
                       "CITIES_NETWORK_CONTACT_EMAIL=network@example.org", "CITIES_NETWORK_KEY_ALGORITHM=RS256",
                       "CITIES_NETWORK_AWARD_EMAILS=false", "CITIES_NETWORK_BADGES_ENABLED=false",
                       f"CITIES_NETWORK_PIP_SPEC={GIT_SPEC}", f"CITIES_NETWORK_JSONLD_CONTEXTS_DIR={CONTEXTS_DIR}")


def test_plugin_is_installed_and_enabled(project):
    listing = project.tutor("plugins", "list")
    assert re.search(r"^cities-network\t.*enabled\t" + re.escape(__version__) + "$", listing, re.M), listing
    assert "cities-network" in project.config()["PLUGINS"]


def test_the_openedx_image_installs_the_plugin(project):
    dockerfile = project.env("build/openedx/Dockerfile")
    line = f"$PIP_COMMAND install 'cities-network-plugin=={__version__}'"
    assert line in dockerfile
    # In the stage that installs edx-platform's requirements into /openedx/venv, which the image keeps.
    stage = dockerfile[dockerfile.index("AS python-requirements"):dockerfile.index("AS nodejs-requirements")]
    assert line in stage


def test_a_pip_spec_from_git_is_installed_instead(configured):
    dockerfile = configured.env("build/openedx/Dockerfile")
    assert f"$PIP_COMMAND install '{GIT_SPEC}'" in dockerfile
    assert "cities-network-plugin==" not in dockerfile


@pytest.mark.parametrize("path", SETTINGS_FILES)
def test_lms_and_cms_settings_come_from_the_configuration(project, path):
    config = project.config()
    settings = project.settings(path)
    assert settings["CITIES_NETWORK_NAME"] == "Cities of Learning Network"
    assert settings["CITIES_NETWORK_ISSUER_URL"] == ""
    assert settings["CITIES_NETWORK_CONTACT_EMAIL"] == "contact@local.openedx.io"  # the platform's CONTACT_EMAIL
    assert settings["CITIES_NETWORK_DEFAULT_KEY_ALGORITHM"] == "EdDSA"
    assert settings["CITIES_NETWORK_KEY_ENCRYPTION_SECRET"] == config["CITIES_NETWORK_KEY_ENCRYPTION_SECRET"]
    assert settings["CITIES_NETWORK_KEY_FILES_DIR"] == ""
    assert settings["CITIES_NETWORK_JSONLD_CONTEXTS_DIR"] == ""
    for toggle in ("BADGES_ENABLED", "AWARD_EMAILS", "ONBOARDING_EMAILS"):
        assert settings[f"CITIES_NETWORK_{toggle}"] is True
    assert "EXPLICIT_QUEUES" not in settings  # no queue configured: the platform's default routing


def test_the_encryption_secret_is_generated_once_and_kept(project):
    secret = project.config()["CITIES_NETWORK_KEY_ENCRYPTION_SECRET"]
    assert re.fullmatch(r"[A-Za-z0-9]{24}", secret)
    project.tutor("config", "save")
    assert project.config()["CITIES_NETWORK_KEY_ENCRYPTION_SECRET"] == secret
    assert f'CITIES_NETWORK_KEY_ENCRYPTION_SECRET = "{secret}"' in project.env(SETTINGS_FILES[0])


def test_values_set_with_config_save_reach_the_settings(configured):
    assert configured.config()["CITIES_NETWORK_ISSUER_NAME"] == ISSUER_NAME
    for path in SETTINGS_FILES:
        settings = configured.settings(path)
        assert settings["CITIES_NETWORK_NAME"] == ISSUER_NAME
        assert settings["CITIES_NETWORK_ISSUER_URL"] == "https://learningcities.example.org"
        assert settings["CITIES_NETWORK_CONTACT_EMAIL"] == "network@example.org"
        assert settings["CITIES_NETWORK_DEFAULT_KEY_ALGORITHM"] == "RS256"
        assert settings["CITIES_NETWORK_AWARD_EMAILS"] is False
        assert settings["CITIES_NETWORK_BADGES_ENABLED"] is False
        assert settings["CITIES_NETWORK_ONBOARDING_EMAILS"] is True
        assert settings["CITIES_NETWORK_JSONLD_CONTEXTS_DIR"] == CONTEXTS_DIR


def test_without_a_queue_no_worker_is_added(project):
    assert "cities-network-worker" not in project.env("local/docker-compose.prod.yml")
    assert "cities-network-worker" not in project.env("k8s/deployments.yml")


def test_a_queue_of_its_own_routes_every_task_and_gets_a_worker(tmp_path):
    project = new_project(tmp_path, "CITIES_NETWORK_CELERY_QUEUE=cities_network")
    platform_routes = {"lms.djangoapps.bulk_email.tasks.send_course_email": {"queue": "edx.lms.core.default"}}
    for path in SETTINGS_FILES:
        routes = project.settings(path, EXPLICIT_QUEUES=dict(platform_routes))["EXPLICIT_QUEUES"]
        assert routes == {**platform_routes, **{name: {"queue": "cities_network"} for name in CELERY_TASKS}}
    worker = yaml.safe_load(project.env("local/docker-compose.prod.yml"))["services"]["cities-network-worker"]
    assert worker["command"][:3] == ["celery", "--app=lms.celery", "worker"]
    assert "--queues=cities_network" in worker["command"]
    assert worker["environment"]["DJANGO_SETTINGS_MODULE"] == "lms.envs.tutor.production"
    deployments = {document["metadata"]["name"]: document
                   for document in yaml.safe_load_all(project.env("k8s/deployments.yml")) if document}
    container = deployments["cities-network-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert "--queues=cities_network" in container["args"]


def test_a_queue_that_tutor_workers_consume_gets_no_extra_worker(tmp_path):
    project = new_project(tmp_path, "CITIES_NETWORK_CELERY_QUEUE=edx.lms.core.high")
    routes = project.settings(SETTINGS_FILES[0])["EXPLICIT_QUEUES"]
    assert routes["cities_network_plugin.badges.tasks.process_learner_event"] == {"queue": "edx.lms.core.high"}
    assert "cities-network-worker" not in project.env("local/docker-compose.prod.yml")
    assert "cities-network-worker" not in project.env("k8s/deployments.yml")


def test_init_tasks_create_the_taxonomy_and_the_network_key(project):
    tasks = project.init_tasks()
    assert [service for service, _ in tasks] == ["lms", "cms"]  # the plugin's tables first
    lms, cms = tasks[0][1], tasks[1][1]
    assert "./manage.py cms cities_network_ensure_taxonomy" in cms
    assert "./manage.py lms migrate cities_network_plugin" in lms
    assert "./manage.py lms cities_network_keys generate --issuer network --if-missing" in lms
    assert "./manage.py lms cities_network_keys generate --all" in lms  # the cities that issue, after an upgrade
    assert "cities_network_contexts" not in lms  # no JSON-LD contexts directory configured


def test_a_contexts_directory_adds_their_download_to_the_init(configured):
    assert "./manage.py lms cities_network_contexts" in dict(configured.init_tasks())["lms"]


# --- The plugin's side: what the templates rely on still exists in cities-network-plugin ---------------------------

needs_source = pytest.mark.skipif(not MAIN_PACKAGE.is_dir(), reason="cities_network_plugin's source is not beside "
                                  "the Tutor plugin (run these tests from the repository)")


def _shared_tasks() -> set[str]:
    """Names of the ``@shared_task`` functions of the plugin's source, as Celery registers them."""
    names = set()
    for path in MAIN_PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(REPOSITORY).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                target = call.func if call else decorator
                if getattr(target, "id", getattr(target, "attr", None)) == "shared_task":
                    explicit = [k.value.value for k in (call.keywords if call else []) if k.arg == "name"]
                    names.add(explicit[0] if explicit else f"{module}.{node.name}")
    return names


@needs_source
def test_the_routed_tasks_are_every_task_of_the_plugin():
    assert set(CELERY_TASKS) == _shared_tasks(), "update CELERY_TASKS in tutorcitiesnetwork/plugin.py"


@needs_source
def test_the_commands_of_the_init_tasks_exist():
    commands = MAIN_PACKAGE / "management" / "commands"
    assert (commands / "cities_network_ensure_taxonomy.py").is_file()
    assert (commands / "cities_network_contexts.py").is_file()
    keys = (commands / "cities_network_keys.py").read_text(encoding="utf-8")
    for needed in ('add_parser("generate"', 'add_parser("list"', '"--issuer"', '"--all"', "No keys yet"):
        assert needed in keys, f"the init task relies on {needed} in cities_network_keys"


@needs_source
def test_the_version_is_the_plugin_release():
    init = (MAIN_PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert f'__version__ = "{__version__}"' in init


@needs_source
def test_the_key_command_supports_if_missing():
    """The init task relies on ``generate --if-missing``; the plugin's command must offer it."""
    source = (MAIN_PACKAGE / "management" / "commands" / "cities_network_keys.py").read_text(encoding="utf-8")
    assert '"--if-missing"' in source
