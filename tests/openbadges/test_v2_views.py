"""Open Badges 2.0 hosted verification over HTTP: status codes, headers, revocation, expiry, drafts and privacy."""
import datetime
import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges import engine
from cities_network_plugin.openbadges import v2
from cities_network_plugin.openbadges.issuers import city_profile

from .v2_support import EMAIL, T0, make_award, make_badge, png_image

OB = "/cities-network/ob/v2"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@pytest.fixture
def ana(make_user):
    return make_user("ana_rider", email=EMAIL, first_name="Ana", last_name="Velosipedova")


@pytest.fixture
def client():
    return Client()


def public_urls(award, badge, slug="alpha"):
    return [f"{OB}/assertions/{award.uuid}", f"{OB}/badges/{badge.uuid}", f"{OB}/issuers/{slug}",
            f"{OB}/issuers/{slug}/revocations", f"{OB}/badges/{badge.uuid}/image",
            f"{OB}/assertions/{award.uuid}/image.{v2.baked_extension(badge)}"]


@pytest.mark.django_db
def test_documents_are_json_ld_for_any_origin_and_cached_briefly(client, city_a, ana):
    badge = make_badge(city_a)
    award = make_award(ana, badge)
    for url in public_urls(award, badge)[:4]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/ld+json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=300"
    assert client.post(f"{OB}/assertions/{award.uuid}").status_code == 405
    assert client.head(f"{OB}/assertions/{award.uuid}").status_code == 200


@pytest.mark.django_db
def test_the_paths_are_the_contract(city_a, ana):
    badge = make_badge(city_a)
    award = make_award(ana, badge)
    profile = city_profile(city_a)
    name = "cities_network_plugin:ob2-"
    assert v2.assertion_url(award).endswith(reverse(f"{name}assertion", args=[award.uuid]))
    assert v2.baked_image_url(award).endswith(reverse(f"{name}assertion-png", args=[award.uuid]))
    assert v2.badge_class_url(badge).endswith(reverse(f"{name}badge", args=[badge.uuid]))
    assert v2.badge_image_url(badge).endswith(reverse(f"{name}badge-image", args=[badge.uuid]))
    assert v2.issuer_url(profile).endswith(reverse(f"{name}issuer", args=["alpha"]))
    assert v2.issuer_image_url(profile).endswith(reverse(f"{name}issuer-image", args=["alpha"]))
    assert v2.revocation_list_url(profile).endswith(reverse(f"{name}revocations", args=["alpha"]))
    assert reverse(f"{name}assertion", args=[award.uuid]) == f"{OB}/assertions/{award.uuid}"


@pytest.mark.django_db
def test_the_recipient_is_a_salted_hash_and_the_learner_appears_nowhere(client, city_a, ana):
    badge = make_badge(city_a)
    narrative = f"Ana Velosipedova ({EMAIL.lower()}, user ana_rider) fixed ten bikes."
    award = make_award(ana, badge, evidence={"manual": True, "narrative": narrative})
    revoked = make_award(ana, make_badge(city_a, name="Second"))
    engine.revoke(revoked, "Given twice.")
    recipient = client.get(f"{OB}/assertions/{award.uuid}").json()["recipient"]
    email = award.recipient_email  # the address as the account holds it (Django lowercases only the domain)
    assert email == ana.email and email.lower() == EMAIL.lower()
    assert recipient == {"type": "email", "hashed": True, "salt": award.salt,
                         "identity": "sha256$" + hashlib.sha256((email + award.salt).encode()).hexdigest()}
    assert len(award.salt) >= 16 and award.salt != revoked.salt  # one salt per award: awards cannot be linked
    urls = public_urls(award, badge) + [f"{OB}/assertions/{revoked.uuid}", f"{OB}/assertions/{revoked.uuid}/image.png"]
    for url in urls:
        body = client.get(url).content.lower()
        for secret in (EMAIL.lower(), "ana_rider", "velosipedova"):
            assert secret.encode() not in body, (url, secret)
    evidence = client.get(f"{OB}/assertions/{award.uuid}").json()["evidence"]
    assert evidence == [{"narrative": "the learner (the learner, user the learner) fixed ten bikes."}]


@pytest.mark.django_db
def test_a_revoked_award_answers_410_and_is_listed(client, city_a, city_b, ana):
    badge = make_badge(city_a)
    award, kept = make_award(ana, badge), make_award(ana, make_badge(city_a, name="Kept"))
    other_city = make_award(ana, make_badge(city_b, name="Beta badge"))
    engine.revoke(award, "The course result was annulled.")
    engine.revoke(other_city, "Not for this list.")
    response = client.get(f"{OB}/assertions/{award.uuid}")
    assert response.status_code == 410
    assert response["Content-Type"] == "application/ld+json" and response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"@context": v2.CONTEXT, "id": v2.assertion_url(award, response.wsgi_request),
                               "revoked": True, "revocationReason": "The course result was annulled."}
    assert client.get(f"{OB}/assertions/{award.uuid}/image.png").status_code == 410
    revocations = client.get(f"{OB}/issuers/alpha/revocations").json()
    assert revocations["type"] == "RevocationList"
    assert revocations["revokedAssertions"] == [
        {"id": response.json()["id"], "revocationReason": "The course result was annulled."}]
    assert str(kept.uuid) not in str(revocations)
    assert client.get(f"{OB}/assertions/{kept.uuid}").status_code == 200
    assert [a["revocationReason"] for a in client.get(f"{OB}/issuers/beta/revocations").json()[
        "revokedAssertions"]] == ["Not for this list."]


@pytest.mark.django_db
def test_an_expired_award_still_answers_with_its_expiry_in_the_past(client, city_a, ana):
    badge = make_badge(city_a, expiry_rule="fixed_date", expires_on=datetime.date(2026, 6, 30))
    award = make_award(ana, badge)
    document = client.get(f"{OB}/assertions/{award.uuid}").json()
    assert document["issuedOn"] == "2026-03-01T09:30:00Z"
    assert document["expires"].startswith("2026-06-30T23:59:59") and document["expires"].endswith("Z")
    assert datetime.datetime.fromisoformat(document["expires"]) < datetime.datetime.now(datetime.UTC)
    assert "expires" not in client.get(f"{OB}/assertions/{make_award(ana, make_badge(city_a)).uuid}").json()


@pytest.mark.django_db
def test_drafts_are_not_public_and_archived_classes_are(client, city_a, ana, admin_a, admin_b):
    badge = make_badge(city_a)
    award = make_award(ana, badge)
    draft = make_badge(city_a, name="Draft", status="draft")
    assert client.get(f"{OB}/badges/{draft.uuid}").status_code == 404
    assert client.get(f"{OB}/badges/{draft.uuid}/image").status_code == 404
    client.force_login(admin_b)
    assert client.get(f"{OB}/badges/{draft.uuid}/image").status_code == 404  # another city's team
    client.force_login(admin_a)
    preview = client.get(f"{OB}/badges/{draft.uuid}/image")  # the Studio console's preview of its own draft
    assert preview.status_code == 200 and preview["Cache-Control"] == "private, no-store"
    assert client.get(f"{OB}/badges/{draft.uuid}").status_code == 404  # the document stays private even so
    client.logout()
    newer = badges_api.new_version(badge)
    badges_api.activate(newer)
    badge.refresh_from_db()
    assert badge.status == "archived"
    for url in public_urls(award, badge):
        assert client.get(url).status_code == 200, url
    later = make_award(ana, newer)
    badges_api.update_class(newer, {"status": "draft"})  # a class taken back to draft takes its awards with it
    assert client.get(f"{OB}/badges/{newer.uuid}").status_code == 404
    assert client.get(f"{OB}/assertions/{later.uuid}").status_code == 404


@pytest.mark.django_db
def test_unknown_and_malformed_ids_answer_404(client, city_a, ana):
    award = make_award(ana, make_badge(city_a))
    unknown = "5b0f0c9e-8d0a-4b9e-9a55-9d3c2f1e7a11"
    for url in (f"{OB}/assertions/{unknown}", f"{OB}/badges/{unknown}", f"{OB}/badges/{unknown}/image",
                f"{OB}/assertions/{unknown}/image.png", f"{OB}/assertions/{unknown}/image.svg",
                f"{OB}/issuers/nowhere", f"{OB}/issuers/nowhere/revocations", f"{OB}/issuers/alpha/image"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json" and "error" in response.json()
    for malformed in ("not-a-uuid", str(award.uuid)[:-1], str(award.uuid) + "0", "'%20OR%201=1"):
        assert client.get(f"{OB}/assertions/{malformed}").status_code == 404
        assert client.get(f"{OB}/badges/{malformed}").status_code == 404
    assert v2.public_award("not-a-uuid") is None and v2.public_badge_class(None) is None


@pytest.mark.django_db
def test_class_images_carry_their_type_and_an_svg_cannot_run_anything(client, city_a, ana):
    png_badge, svg_badge, bare = make_badge(city_a), make_badge(city_a, image="svg"), make_badge(city_a, image=None)
    png = client.get(f"{OB}/badges/{png_badge.uuid}/image")
    assert (png.status_code, png["Content-Type"], png["X-Content-Type-Options"]) == (200, "image/png", "nosniff")
    assert png.content == bytes(png_badge.image) and "Content-Security-Policy" not in png
    svg = client.get(f"{OB}/badges/{svg_badge.uuid}/image")
    assert (svg["Content-Type"], svg["Content-Security-Policy"], svg["X-Content-Type-Options"]) == (
        "image/svg+xml", SVG_POLICY, "nosniff")
    placeholder = client.get(f"{OB}/badges/{bare.uuid}/image")  # OB 2.0 requires every class to have an image
    assert placeholder["Content-Type"] == "image/png" and placeholder.content.startswith(b"\x89PNG")
    baked_svg = client.get(f"{OB}/assertions/{make_award(ana, svg_badge).uuid}/image.svg")
    assert (baked_svg["Content-Type"], baked_svg["Content-Security-Policy"]) == ("image/svg+xml", SVG_POLICY)
    assert baked_svg["Access-Control-Allow-Origin"] == "*"
    baked_png = client.get(f"{OB}/assertions/{make_award(ana, png_badge).uuid}/image.png")
    assert (baked_png["Content-Type"], baked_png["X-Content-Type-Options"]) == ("image/png", "nosniff")


@pytest.mark.django_db
def test_the_issuer_image_is_served_when_there_is_one(client, city_a):
    make_badge(city_a)  # only an issuer that issues has public documents
    profile = city_profile(city_a)
    assert "image" not in client.get(f"{OB}/issuers/alpha").json()
    profile.image, profile.image_type = png_image(), "image/png"
    profile.save()
    document = client.get(f"{OB}/issuers/alpha").json()
    image = client.get(f"{OB}/issuers/alpha/image")
    assert document["image"].endswith(f"{OB}/issuers/alpha/image")
    assert (image.status_code, image["Content-Type"], image.content) == (200, "image/png", profile.image)


@pytest.mark.django_db
def test_evidence_says_what_earned_the_badge_and_links_public_pages(client, city_a, ana):
    from cities_network_plugin.opportunities import api as opportunities_api  # pylint: disable=import-outside-toplevel

    cafe = opportunities_api.create_opportunity(city_a, {"title": "Repair café", "status": "published"})
    hidden = opportunities_api.create_opportunity(city_a, {"title": "Staff training"})  # a draft: no page to link
    first = make_badge(city_a, name="Visitor")
    held = make_award(ana, first, issued_at=T0)
    meta = make_badge(city_a, name="Regular")
    award = make_award(ana, meta, evidence={
        "event_id": "evt-123", "grade": "0.91", "course_key": "course-v1:AlphaX+Bikes+2026",
        "requirements": [{"kind": "opportunity_attended", "target": str(cafe.uuid)},
                         {"kind": "opportunity_attended", "target": str(hidden.uuid)},
                         {"kind": "certificate_earned", "target": "course-v1:AlphaX+Bikes+2026"},
                         {"kind": "badge_earned", "target": str(first.uuid)}]})
    response = client.get(f"{OB}/assertions/{award.uuid}")
    assert response.json()["evidence"] == [
        {"id": f"http://testserver/cities-network/o/{cafe.uuid}/", "narrative": "Attended or completed Repair café."},
        {"narrative": "Attended or completed a learning opportunity."},
        {"narrative": "Earned a certificate in the course course-v1:AlphaX+Bikes+2026."},
        {"id": v2.assertion_url(held, response.wsgi_request), "narrative": "Holds the badge Visitor."},
    ]
    assert b"evt-123" not in response.content and b"0.91" not in response.content
