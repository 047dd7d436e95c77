"""
Helpers of the Open Badges 3.0 tests: awards made by the engine, fetching what a verifier would fetch (through
the Django test client), and the independent verifiers — joserfc for VC-JWTs, Digital Bazaar's JavaScript for
Data Integrity proofs. None of them reads our documents with our own code.
"""
import datetime
import io
import json
import shutil
import subprocess
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from joserfc import jwt
from joserfc.jwk import import_key
from PIL import Image

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.openbadges import dataintegrity, statuslists

from tests.conftest import require_service

REPO = Path(__file__).resolve().parents[2]
JS_DIR = REPO / "tests" / "js"
VC_JSON = "application/vc+ld+json"
T0 = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
ALGORITHMS = ["EdDSA", "RS256"]


def png_image(side: int = 128) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (side, side), (40, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def make_badge(city, image: bool = True, **fields):
    """An active class of ``city`` (the network's when None), with a PNG image and an ESCO alignment."""
    data = {"name": "Bike mechanic", "description": "Can fix a bicycle.",
            "criteria_narrative": "Pass the bike repair course.", "status": "active",
            "alignments": [{"targetName": "repair bicycles", "targetFramework": "ESCO", "targetCode": "S6.2.1",
                            "targetUrl": "http://data.europa.eu/esco/skill/0d3b4a05-0e2a-4c6d-9f9a-1b0a3d0f3a5b"}],
            "tags": ["mobility"], **fields}
    badge = badges_api.create_class(city, data)
    if image:
        badges_api.set_image(badge, png_image(), filename="badge.png")
    return badge


def make_award(user, badge, issued_at=T0, expires_at=None, status_position=True):
    """
    An award as the engine makes it (announcements off: they are not under test here), with the status list
    position the award's announcement gives it after the commit (unless ``status_position`` is false).
    """
    award, created = engine.award(user, badge, {"manual": True, "narrative": "Fixed ten bikes."}, now=issued_at,
                                  announce=False)
    assert created
    if status_position:
        statuslists.entry_for(award)
    if expires_at is not None:
        award.expires_at = expires_at
        award.save(update_fields=["expires_at"])
    return award


def path_of(url: str) -> str:
    return urlsplit(url).path


def get(client, url: str, accept: str = ""):
    return client.get(path_of(url), HTTP_ACCEPT=accept) if accept else client.get(path_of(url))


def credential_jwt(client, award) -> str:
    response = client.get(f"/cities-network/ob/v3/credentials/{award.uuid}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vc+jwt"
    return response.content.decode("ascii")


def credential_json(client, award) -> dict:
    response = client.get(f"/cities-network/ob/v3/credentials/{award.uuid}", HTTP_ACCEPT=VC_JSON)
    assert response.status_code == 200, response.content
    return response.json()


def unverified_header(token: str) -> dict:
    import base64  # pylint: disable=import-outside-toplevel

    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def resolve_kid(client, kid: str) -> dict:
    """What a verifier does with the header's ``kid``: fetch the JWKS it names, pick the key of its fragment."""
    jwks_url, _, key_id = kid.partition("#")
    response = get(client, jwks_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    matching = [key for key in response.json()["keys"] if key["kid"] == key_id]
    assert len(matching) == 1, f"kid {key_id} is not in {jwks_url}"
    return matching[0]


def verify_jwt(client, token: str, now: int | None = None) -> dict:
    """Verify with joserfc, using only the served JWKS; then validate the registered claims. Returns the claims."""
    jwk = resolve_kid(client, unverified_header(token)["kid"])
    with warnings.catch_warnings():
        # RFC 9864 deprecates the "EdDSA" name in favour of "Ed25519"; OB 3.0 verifiers still expect "EdDSA".
        warnings.simplefilter("ignore")
        decoded = jwt.decode(token, import_key(jwk), algorithms=ALGORITHMS)
    jwt.JWTClaimsRegistry(now=now, iss={"essential": True}, jti={"essential": True},
                          nbf={"essential": True}).validate(decoded.claims)
    return decoded.claims


# --- Digital Bazaar's verifier, run with node -------------------------------------------------------------------

def require_js() -> None:
    """Skip (locally) or fail (CI) when Node.js or the packages of tests/js are missing."""
    installed = (JS_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir()
    require_service(bool(shutil.which("node")) and installed,
                    "Node.js and the packages of tests/js are needed: run scripts/install_test_js.sh")


def require_contexts() -> None:
    missing = dataintegrity.missing_contexts()
    require_service(not missing, f"JSON-LD contexts missing ({', '.join(missing)}): run scripts/install_test_js.sh")


def verifier_documents(client, credential: dict) -> dict:
    """Everything a verifier fetches for a credential: issuer Profile, its key documents, the status list."""
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    profile = get(client, issuer).json()
    documents = {issuer: profile}
    for method in profile["assertionMethod"]:
        documents[method] = get(client, method).json()
    status = credential.get("credentialStatus")
    if status:
        response = get(client, status["statusListCredential"], accept=VC_JSON)
        assert response.status_code == 200
        documents[status["statusListCredential"]] = response.json()
    return documents


def verify_with_js(credential: dict, documents: dict, now: str | None = None) -> dict:
    require_js()
    payload = {"credential": credential, "documents": documents, **({"now": now} if now else {})}
    completed = subprocess.run(["node", str(JS_DIR / "verify_vc.mjs")], input=json.dumps(payload),  # noqa: S603,S607
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
