"""
The MFE widgets with tutor-mfe: the real Tutor CLI renders a project with tutor-mfe enabled, and the widgets are in
their slots of the rendered env.config.jsx (the authoring MFE's course outline sidebar, the learner dashboard's
sidebar, and no other MFE's), every MFE image copies their source next to env.config.jsx, and that source is the
repository's, byte for byte. With Node.js, the rendered env.config.jsx is built and run as each MFE would.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from test_plugin import Project, new_project

from tutorcitiesnetwork.plugin import MFE_SLOTS, WIDGETS_DIR, WIDGETS_SOURCE

BUILD = "plugins/mfe/build/mfe"
SLOTS_SCRIPT = WIDGETS_SOURCE.parent / "test" / "env_config" / "slots.mjs"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def mfe_project(tmp_path_factory) -> Project:
    """A project where the operator enabled this plugin and tutor-mfe."""
    project = Project(tmp_path_factory.mktemp("tutor-mfe"))
    project.tutor("plugins", "enable", "mfe", "cities-network")
    project.tutor("config", "save")
    return project


def app_blocks(env_config: str) -> dict[str, str]:
    """The body of each ``if (process.env.APP_ID == '<mfe>') {`` of setConfig, where the MFE's slots are filled."""
    runtime = env_config[env_config.index("async function setConfig"):]
    parts = re.split(r"if \(process\.env\.APP_ID == '([a-z-]+)'\) \{", runtime)
    blocks: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        blocks[name] = blocks.get(name, "") + body.split("\n    }", 1)[0]
    return blocks


def test_the_widgets_are_in_their_slots_and_no_other(mfe_project):
    env_config = mfe_project.env(f"{BUILD}/env.config.jsx")
    assert (f"import {{ CourseCitiesWidget as CitiesNetworkCourseCitiesWidget, LearnerBadgesWidget as "
            f"CitiesNetworkLearnerBadgesWidget }} from './{WIDGETS_DIR}';") in env_config
    blocks = app_blocks(env_config)
    assert {"authoring", "learner-dashboard", "learning"} <= set(blocks)
    for mfe, slot, widget in MFE_SLOTS:
        assert f"addPlugins(config, '{slot}', [{widget}]);" in blocks[mfe]
    assert "RenderWidget: CitiesNetworkCourseCitiesWidget" in blocks["authoring"]
    assert "RenderWidget: CitiesNetworkLearnerBadgesWidget" in blocks["learner-dashboard"]
    for mfe, body in blocks.items():
        if mfe not in ("authoring", "learner-dashboard"):
            assert "CitiesNetwork" not in body, mfe


def test_every_mfe_image_copies_the_widgets_next_to_env_config(mfe_project):
    dockerfile = mfe_project.env(f"{BUILD}/Dockerfile")
    # Each legacy MFE's stage (the frontend-base site has no env.config.jsx).
    stages = [(name, stage) for name, stage in re.findall(r"######## ([a-z-]+) \(common\)\n(.*?)\n######## ",
                                                          dockerfile, re.S) if name != "site"]
    assert {"authoring", "learner-dashboard"} <= {name for name, _ in stages}
    for name, stage in stages:
        copy_env = stage.index("COPY env.config.jsx /openedx/app")
        copy_widgets = stage.index(f"COPY {WIDGETS_DIR} /openedx/app/{WIDGETS_DIR}")
        assert copy_env < copy_widgets, name  # beside env.config.jsx, whose import is './cities-network-widgets'


def test_the_widgets_source_is_copied_as_it_is(mfe_project):
    copied = mfe_project.root / "env" / BUILD / WIDGETS_DIR
    sources = sorted(p.name for p in WIDGETS_SOURCE.iterdir() if p.suffix in (".js", ".jsx"))
    assert sorted(p.name for p in copied.iterdir()) == sources
    for name in sources:
        assert (copied / name).read_bytes() == (WIDGETS_SOURCE / name).read_bytes(), name
    (copied / "Stale.jsx").write_text("old")
    mfe_project.tutor("config", "save")
    assert not (copied / "Stale.jsx").exists()


def test_without_tutor_mfe_there_is_nothing_to_copy_into(tmp_path):
    project = new_project(tmp_path)  # PLUGINS: cities-network alone
    assert "mfe" not in project.config()["PLUGINS"]
    assert not (project.root / "env" / BUILD / WIDGETS_DIR).exists()


def test_each_mfe_built_from_the_rendered_env_config_gets_its_widget(mfe_project, tmp_path):
    """As tutor-mfe's image lays out /openedx/app: env.config.jsx and the copied folder beside it."""
    esbuild = WIDGETS_SOURCE.parent / "node_modules" / "esbuild"
    missing = [what for what, there in (("node", shutil.which("node")), (str(esbuild), esbuild.is_dir())) if not there]
    if missing:
        message = f"needs {', '.join(missing)}: run scripts/install_mfe_widgets.sh"
        if IN_CI:
            pytest.fail(f"{message} (CI=true)")
        pytest.skip(message)
    build = mfe_project.root / "env" / BUILD
    app = tmp_path / "openedx-app"
    app.mkdir()
    shutil.copy(build / "env.config.jsx", app / "env.config.jsx")
    shutil.copytree(build / WIDGETS_DIR, app / WIDGETS_DIR)
    done = subprocess.run(["node", str(SLOTS_SCRIPT), str(app), "authoring", "learner-dashboard", "learning"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    slots = json.loads(done.stdout.strip().splitlines()[-1])
    assert slots["authoring"]["org.openedx.frontend.authoring.course_outline_sidebar.v1"] == [
        ["insert", "cities_network_course_cities", "DIRECT_PLUGIN", "CourseCitiesWidget"]]
    assert slots["learner-dashboard"]["org.openedx.frontend.learner_dashboard.widget_sidebar.v1"] == [
        ["insert", "cities_network_learner_badges", "DIRECT_PLUGIN", "LearnerBadgesWidget"]]
    assert slots["learning"] == {}
