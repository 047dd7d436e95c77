"""
Signing keys: generated only where they can be kept safely, encrypted at rest (or kept in files), rotated without
breaking old credentials, and never shown — not in HTTP answers, not by the command, not in logs.
"""
import base64
import io
import logging
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.core.management import CommandError, call_command
from joserfc.jwk import import_key

from cities_network_plugin.openbadges import keys
from cities_network_plugin.openbadges.issuers import city_profile
from cities_network_plugin.openbadges.models import KeyStatus, SigningKey

from .v3_support import credential_jwt, make_award, make_badge, verify_jwt

pytestmark = pytest.mark.django_db


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def private_forms(key: SigningKey) -> list[str]:
    """Every text form private material could leak in: PEM body lines, DER/raw as base64 and hex, JWK ``d``."""
    private = keys.private_key(key)
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    forms = [line for line in pem.splitlines() if "-----" not in line and len(line) > 20]
    forms += [base64.b64encode(der).decode()[:40], der.hex()[:40]]
    if isinstance(private, ed25519.Ed25519PrivateKey):
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        forms += [_b64u(raw), raw.hex(), base64.b64encode(raw).decode()]
    else:
        d = private.private_numbers().d
        forms += [_b64u(d.to_bytes((d.bit_length() + 7) // 8, "big"))[:40], format(d, "x")[:40]]
    return forms


def _assert_absent(forms: list[str], text: str) -> None:
    assert "PRIVATE KEY" not in text
    for form in forms:
        assert form not in text


def _command(*args) -> str:
    out = io.StringIO()
    call_command("cities_network_keys", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_no_key_without_a_secret_or_a_directory(client, city_a, learner, settings):
    settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET = ""
    settings.CITIES_NETWORK_KEY_FILES_DIR = ""
    with pytest.raises(CommandError, match="CITIES_NETWORK_KEY_ENCRYPTION_SECRET"):
        _command("generate", "--issuer", "alpha")
    award = make_award(learner, make_badge(city_a))
    response = client.get(f"/cities-network/ob/v3/credentials/{award.uuid}")
    assert response.status_code == 503 and "CITIES_NETWORK_KEY_ENCRYPTION_SECRET" in response.json()["error"]
    assert client.get("/cities-network/ob/v3/issuers/alpha/jwks.json").json() == {"keys": []}
    settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET = "too-short"
    with pytest.raises(keys.KeyConfigurationError):
        keys.generate(city_profile(city_a))
    assert not SigningKey.objects.exists()


def test_private_keys_are_encrypted_bound_to_their_row_and_to_the_secret(city_a, settings):
    key = keys.generate(city_profile(city_a))
    assert key.private_key_file == ""
    blob = bytes(key.private_key)
    for form in private_forms(key):
        assert form.encode() not in blob
    raw = keys.private_key(key).private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                              serialization.NoEncryption())
    assert raw not in blob
    other = keys.rotate(city_profile(city_a))[0]
    other.private_key = blob  # a blob moved to another row does not open there
    with pytest.raises(keys.KeyConfigurationError):
        keys.private_key(other)
    settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET = "another-secret-of-enough-length"
    with pytest.raises(keys.KeyConfigurationError, match="was the secret changed"):
        keys.private_key(key)


def test_key_files_mode(client, city_a, learner, settings, tmp_path):
    settings.CITIES_NETWORK_KEY_FILES_DIR = str(tmp_path / "keys")
    key = keys.generate(city_profile(city_a), "RS256")
    assert not key.private_key and key.private_key_file == f"alpha-{key.kid}.pem"
    path = tmp_path / "keys" / key.private_key_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert verify_jwt(client, credential_jwt(client, make_award(learner, make_badge(city_a))))["iss"]


def test_the_kid_is_the_rfc7638_thumbprint_and_the_jwks_only_public(client, city_a):
    for algorithm in ("EdDSA", "RS256"):
        key = keys.generate(city_profile(city_a), algorithm)
        jwk = keys.public_jwk(key)
        assert import_key(jwk).thumbprint() == key.kid
    make_badge(city_a)  # the city issues (its keys exist already), so its JWKS is public
    served = client.get("/cities-network/ob/v3/issuers/alpha/jwks.json").json()["keys"]
    assert len(served) == 2
    for jwk in served:
        assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & set(jwk)
        assert jwk["use"] == "sig" and jwk["alg"] in ("EdDSA", "RS256")


def test_the_command_generates_lists_and_rotates(city_a):
    out = _command("generate", "--issuer", "alpha", "--algorithm", "EdDSA")
    first = SigningKey.objects.get()
    assert f"New active key {first.kid}" in out
    with pytest.raises(CommandError, match="rotate it instead"):
        _command("generate", "--issuer", "alpha", "--algorithm", "EdDSA")
    with pytest.raises(CommandError, match="No issuer"):
        _command("rotate", "--issuer", "nowhere")
    out = _command("rotate", "--issuer", "alpha")
    first.refresh_from_db()
    second = SigningKey.objects.get(status=KeyStatus.ACTIVE)
    assert first.status == KeyStatus.RETIRED and first.retired_at and second.algorithm == "EdDSA"
    assert f"Retired {first.kid}" in out and f"New active EdDSA key {second.kid}" in out
    _command("generate", "--issuer", "network", "--algorithm", "RS256")
    listing = _command("list")
    assert listing.count("\n") == 3 and "retired" in listing and "network" in listing
    assert _command("list", "--issuer", "alpha").count("\n") == 2
    for key in SigningKey.objects.all():
        _assert_absent(private_forms(key), listing)


def test_private_material_never_leaves_in_answers_or_logs(client, city_a, learner, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="cities_network_plugin")  # the host keeps the plugin's at WARNING
    profile = city_profile(city_a)
    rsa_key = keys.generate(profile, "RS256")
    ed_key = keys.generate(profile, "EdDSA")
    award = make_award(learner, make_badge(city_a))
    bodies = []
    for accept in ("", "application/vc+ld+json"):
        bodies.append(client.get(f"/cities-network/ob/v3/credentials/{award.uuid}", HTTP_ACCEPT=accept))
    status_url = bodies[1].json()["credentialStatus"]["statusListCredential"]
    for path in (f"/cities-network/ob/v3/credentials/{award.uuid}/image.png",
                 "/cities-network/ob/v3/issuers/alpha", "/cities-network/ob/v3/issuers/alpha/jwks.json",
                 f"/cities-network/ob/v3/issuers/alpha/keys/{ed_key.kid}", status_url):
        bodies.append(client.get(path))
    keys.rotate(profile, "EdDSA")
    assert all(response.status_code == 200 for response in bodies)
    texts = [response.content.decode("latin-1") for response in bodies]
    for key in (rsa_key, ed_key):
        for text in [*texts, caplog.text]:
            _assert_absent(private_forms(key), text)
    assert ed_key.kid in caplog.text  # the logs do say which key was made



@pytest.mark.django_db
def test_generate_if_missing_keeps_the_existing_key():
    import io  # pylint: disable=import-outside-toplevel

    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    from cities_network_plugin.openbadges.models import SigningKey  # pylint: disable=import-outside-toplevel

    out = io.StringIO()
    call_command("cities_network_keys", "generate", "--issuer", "network", "--if-missing", stdout=out)
    call_command("cities_network_keys", "generate", "--issuer", "network", "--if-missing", stdout=out)
    assert SigningKey.objects.filter(issuer__slug="network").count() == 1
    assert "has an active key already" in out.getvalue()
