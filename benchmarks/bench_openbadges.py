"""
Figure (d): Open Badges documents per second.

- OB 2.0 assertions served: ``GET /cities-network/ob/v2/assertions/<uuid>`` through Django's test client (the
  whole request path: middleware, URL resolution, the view, the JSON-LD document), round robin over 200 awards.
- OB 3.0 credentials signed: ``openbadges.credentials.credential_jwt(award)`` (build the credential, load the
  issuer's key, sign the VC-JWT), round robin over the same awards, for an Ed25519 and an RS256 issuer key.
- Beside it, the raw signing rate of the same key: ``sign`` of the ``cryptography`` private key over an input
  of the size of a credential's JWS signing input, with the key already loaded.
"""
from __future__ import annotations

import time

from django.test import Client, override_settings
from django.utils import timezone

from cities_network_plugin.badges import engine
from cities_network_plugin.badges.models import Award
from cities_network_plugin.openbadges import credentials, keys, signing
from cities_network_plugin.openbadges.issuers import issuer_of
from cities_network_plugin.openbadges.models import KeyAlgorithm, SigningKey

from .bench_pipeline import make_cities, make_classes
from .common import make_users, progress, wipe

AWARDS = 200
WARMUP = 20


def _awards() -> list[Award]:
    cities = make_cities(2, "ob")
    classes = make_classes(2, cities)
    users = make_users(AWARDS, "ob")
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    now = timezone.now()
    for n, user in enumerate(get_user_model().objects.filter(pk__in=users).order_by("pk")):
        engine.award(user, classes[n % 2], {"bench": True, "course_key": "course-v1:BenchX+C0+2026"}, now=now,
                     announce=False)
    return list(Award.objects.select_related("badge_class__issuer_city", "user").order_by("pk"))


def _rate(func, items: list, count: int) -> float:
    for item in items[:WARMUP]:
        func(item)
    start = time.perf_counter()
    for n in range(count):
        func(items[n % len(items)])
    return count / (time.perf_counter() - start)


def serve_assertions(awards: list[Award], requests: int) -> float:
    client = Client()

    def get(award):
        response = client.get(f"/cities-network/ob/v2/assertions/{award.uuid}")
        if response.status_code != 200:
            raise AssertionError(f"assertion {award.uuid} answered {response.status_code}")

    return _rate(get, awards, requests)


def sign_credentials(awards: list[Award], requests: int, algorithm: str) -> dict:
    # Issuer keys of the wanted algorithm only: rotate both issuers to it.
    for profile in {issuer_of(a.badge_class).pk: issuer_of(a.badge_class) for a in awards}.values():
        keys.rotate(profile, algorithm)
    for award in awards:  # give each award its status list entry first, as the first download does
        credentials.credential_jwt(award)
    rate = _rate(credentials.credential_jwt, awards, requests)
    key = keys.signing_key(issuer_of(awards[0].badge_class), algorithm=algorithm)
    token = credentials.credential_jwt(awards[0])
    if _header(token)["alg"] != algorithm:
        raise AssertionError(f"the credential was signed with {_header(token)['alg']}, not {algorithm}")
    signing_input = token.rsplit(".", 1)[0].encode("ascii")
    private = keys.private_key(key)
    raw_count = max(requests, 200)

    def raw(_):
        if algorithm == KeyAlgorithm.EDDSA:
            private.sign(signing_input)
        else:
            from cryptography.hazmat.primitives import hashes  # pylint: disable=import-outside-toplevel
            from cryptography.hazmat.primitives.asymmetric import padding  # pylint: disable=import-outside-toplevel

            private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())

    raw_rate = _rate(raw, [None], raw_count)
    with_loading = _rate(lambda _: signing.sign(signing_input, key), [None], raw_count)
    return {"credentials_per_s": round(rate, 1), "raw_signatures_per_s": round(raw_rate, 1),
            "sign_with_key_loading_per_s": round(with_loading, 1), "signing_input_bytes": len(signing_input),
            "ratio_to_raw": round(rate / raw_rate, 3)}


def _header(token: str) -> dict:
    import base64  # pylint: disable=import-outside-toplevel
    import json  # pylint: disable=import-outside-toplevel

    head = token.split(".", 1)[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def run(requests: int = 500) -> dict:
    wipe()
    progress(f"(d) Open Badges: {AWARDS} awards, {requests} requests per figure")
    awards = _awards()
    assertions = serve_assertions(awards, requests)
    progress(f"    OB 2.0 assertions: {assertions:,.0f}/s")
    figures = {}
    for algorithm in (KeyAlgorithm.EDDSA, KeyAlgorithm.RS256):
        # The issuers' keys sign with the default algorithm first: make it this one.
        with override_settings(CITIES_NETWORK_DEFAULT_KEY_ALGORITHM=str(algorithm)):
            figures[str(algorithm)] = sign_credentials(awards, requests, algorithm)
        progress(f"    OB 3.0 credentials ({algorithm}): {figures[str(algorithm)]}")
    return {"awards": len(awards), "requests": requests, "assertions_per_s": round(assertions, 1),
            "credentials": figures, "keys": SigningKey.objects.count()}
