"""
1EdTech's reference Open Badges 2.0 validator (``badgecheck``) on our hosted badges, served by a real HTTP server.

The validator runs in its own virtualenv (``scripts/ob2_validator.sh``; its pins cannot share ours) and fetches
every document from the live server, as any verifier would. Its only offline part is the OB 2.0 JSON-LD context,
which it takes from its own shipped copy. A machine that cannot build that virtualenv skips these tests, and CI
fails them (``require_service``).
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from cities_network_plugin.badges import engine
from cities_network_plugin.openbadges import v2
from cities_network_plugin.openbadges.v2 import badge_class_document as original_badge_class_document

from ..conftest import require_service
from .v2_support import EMAIL, make_award, make_badge

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "ob2_validator.sh"
TIMEOUT = 900  # the first run builds the virtualenv


def _script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own script, with arguments the tests make
        [shutil.which("bash") or "/bin/bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=TIMEOUT,
        check=False, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def run_validator(*args: str) -> tuple[int, dict]:
    completed = _script(*args)
    if completed.returncode == 2:
        require_service(False, f"The OB 2.0 validator's virtualenv could not be built: {completed.stderr[-2000:]}")
    try:
        return completed.returncode, json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"The validator printed no report (exit {completed.returncode}): {completed.stderr[-3000:]}")


@pytest.fixture(scope="module")
def validator():
    """Build the validator's virtualenv once (or skip / fail as the tier rule says)."""
    completed = _script("--setup")
    require_service(completed.returncode == 0,
                    f"The OB 2.0 validator's virtualenv could not be built: {completed.stderr[-2000:]}")
    return run_validator


def errors(report: dict) -> list[str]:
    return [m["result"] for m in report["report"]["messages"] if m["messageLevel"] == "ERROR"]


@pytest.fixture
def served(settings, live_server, make_user):
    """A learner, and documents whose ids point at the live server (as CITIES_NETWORK_PUBLIC_URL does in production)."""
    settings.CITIES_NETWORK_PUBLIC_URL = live_server.url
    return make_user("ana_rider", email=EMAIL)


@pytest.mark.parametrize("image", ["png", "svg"])
def test_the_reference_validator_accepts_our_hosted_assertion(validator, served, city_a, image, tmp_path):
    badge = make_badge(city_a, image=image)
    award = make_award(served, badge, evidence={"requirements": [
        {"kind": "course_passed", "target": "course-v1:AlphaX+Bikes+2026"}]})
    url = v2.assertion_url(award)
    code, result = validator("--recipient", award.recipient_email, url)
    assert errors(result) == [] and code == 0, json.dumps(result["report"], indent=2)
    assert result["report"]["valid"] is True and result["report"]["warningCount"] == 0
    assert result["report"]["recipientProfile"] == {"email": award.recipient_email}  # the salted hash matched
    classes = {node.get("type"): node for node in result["graph"]}
    assert {"Assertion", "BadgeClass", "Issuer"} <= set(classes)
    assert classes["Assertion"]["id"] == url
    # The baked image and the assertion's JSON-LD, given as files, lead it to the same hosted assertion.
    baked, document = tmp_path / f"baked.{image}", tmp_path / "assertion.json"
    baked.write_bytes(requests.get(v2.baked_image_url(award), timeout=10).content)
    document.write_bytes(requests.get(url, timeout=10).content)
    for given in (baked, document):
        code, result = validator(str(given))
        assert errors(result) == [] and code == 0, json.dumps(result["report"], indent=2)
        assert result["input"]["value"] == url


def test_the_reference_validator_refuses_a_wrong_recipient_an_expiry_and_a_revocation(validator, served, city_a,
                                                                                      monkeypatch):
    award = make_award(served, make_badge(city_a))
    with monkeypatch.context() as patch:  # a control: the validator really reads what the live server serves
        patch.setattr(v2, "badge_class_document", lambda *a, **k: {
            key: value for key, value in original_badge_class_document(*a, **k).items() if key != "description"})
        code, result = validator(v2.assertion_url(award))
    assert code == 1 and any("description" in message for message in errors(result)), errors(result)
    code, result = validator("--recipient", "someone.else@example.com", v2.assertion_url(award))
    assert code == 1 and any("did not match" in message for message in errors(result))
    expired = make_award(served, make_badge(city_a, name="Short", expiry_rule="days_after", expires_after_days=1))
    code, result = validator(v2.assertion_url(expired))
    assert code == 1 and [m for m in errors(result) if "expired on" in m] == errors(result) != []
    # badgecheck has no check of its own for a hosted assertion's 410: it refuses the revocation document as
    # "not an Assertion". What matters is that a verifier does not accept the revoked award.
    engine.revoke(award, "Awarded by mistake.")
    code, result = validator(v2.assertion_url(award))
    assert code == 1 and result["report"]["valid"] is False and errors(result)
    assert not [node for node in result["graph"] if node.get("type") == "Assertion"]
