"""
Reading Open Badges documents writes nothing: issuer profiles, signing keys, status lists and credential status
positions are made where an issuer starts to issue (a badge class becomes active, an award is made, the keys
command), never by a GET. Only issuers that issue have public issuer documents; any other name answers exactly as
an unknown one does.
"""
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.openbadges import statuslists
from cities_network_plugin.openbadges.issuers import city_profile
from cities_network_plugin.openbadges.models import CredentialStatus, IssuerProfile, SigningKey, StatusList
from cities_network_plugin.tenancy.models import City, CityStatus

from .v3_support import VC_JSON, credential_json, make_award, make_badge

OB2, OB3 = "/cities-network/ob/v2", "/cities-network/ob/v3"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def issuer_paths(slug: str) -> list[str]:
    return [f"{OB2}/issuers/{slug}", f"{OB2}/issuers/{slug}/image", f"{OB2}/issuers/{slug}/revocations",
            f"{OB3}/issuers/{slug}", f"{OB3}/issuers/{slug}/jwks.json", f"{OB3}/issuers/{slug}/keys/some-kid"]


def rows() -> tuple[int, int, int, int]:
    return (IssuerProfile.objects.count(), SigningKey.objects.count(), StatusList.objects.count(),
            CredentialStatus.objects.count())


def writes_of(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def prospect(db):  # pylint: disable=unused-argument
    """A city that sent the join form: its contact address is the applicant's own."""
    return City.objects.create(slug="tartu", name="Tartu", country="EE", status=CityStatus.PROSPECT,
                               timezone="Europe/Tallinn", contact_email="kadri@tartu.example")


def assert_like_an_unknown_issuer(client, slug: str) -> None:
    for path, unknown in zip(issuer_paths(slug), issuer_paths("no-such-issuer"), strict=True):
        response, expected = client.get(path), client.get(unknown)
        assert response.status_code == 404, f"{path} is public ({response.status_code})"
        assert (response.content, response["Content-Type"]) == (expected.content, expected["Content-Type"]), path


@pytest.mark.django_db
def test_a_prospect_city_has_no_issuer_documents_and_reading_them_creates_nothing(prospect):
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        assert_like_an_unknown_issuer(client, "tartu")
    assert writes_of(captured) == [], "an anonymous GET of a prospect city's issuer documents wrote rows"
    assert rows() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_rows_a_get_made_before_do_not_make_a_prospect_public(prospect):
    """Older releases made a profile and a key on the first GET: those stay hidden while the city issues nothing."""
    profile = city_profile(prospect)
    SigningKey.objects.create(issuer=profile, kid="old-kid", algorithm="EdDSA", public_jwk={"kty": "OKP"})
    assert_like_an_unknown_issuer(Client(), "tartu")


@pytest.mark.django_db
def test_a_city_with_drafts_only_is_not_an_issuer(city_a):
    make_badge(city_a, status="draft")
    assert_like_an_unknown_issuer(Client(), "alpha")
    assert rows() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_city_starts_to_issue_when_a_class_becomes_active(client, city_a):
    draft = make_badge(city_a, status="draft")
    assert rows() == (0, 0, 0, 0)
    badges_api.activate(draft)
    profile = IssuerProfile.objects.get(city=city_a)
    assert profile.keys.filter(status="active").count() == 1, "the issuer's first key is made with its first class"
    for path in issuer_paths("alpha")[:5]:
        if not path.endswith("/image"):  # the city has no image
            assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_a_class_made_active_at_once_and_the_network_start_to_issue_too(city_a):
    make_badge(city_a)
    make_badge(None, name="Network badge")
    assert set(IssuerProfile.objects.values_list("slug", flat=True)) == {"alpha", "network"}
    assert SigningKey.objects.count() == 2


@pytest.mark.django_db
def test_the_network_documents_exist_once_the_keys_command_made_its_profile():
    client = Client()
    assert client.get(f"{OB3}/issuers/network/jwks.json").status_code == 404
    assert rows() == (0, 0, 0, 0)
    call_command("cities_network_keys", "generate", "--issuer", "network", "--if-missing", stdout=io.StringIO())
    response = client.get(f"{OB3}/issuers/network/jwks.json")
    assert response.status_code == 200 and len(response.json()["keys"]) == 1


@pytest.mark.django_db
def test_an_award_gets_its_status_position_when_it_is_made(city_a, learner, django_capture_on_commit_callbacks):
    badge = make_badge(city_a)
    with django_capture_on_commit_callbacks(execute=True):
        award = badges_api.manual_award(badge, learner, "Fixed ten bikes.", awarded_by=None)
    assert CredentialStatus.objects.filter(award=award).exists()


@pytest.mark.django_db
def test_every_public_get_of_an_issuing_city_writes_nothing(city_a, learner):
    badge = make_badge(city_a)
    award = make_award(learner, badge)
    client = Client()
    status_list = CredentialStatus.objects.get(award=award).status_list
    key = SigningKey.objects.filter(issuer__city=city_a).first()
    paths = [*issuer_paths("alpha")[:5], f"{OB3}/issuers/alpha/keys/{key.kid if key else 'none'}",
             f"{OB3}/status/{status_list.slug}",
             f"{OB2}/badges/{badge.uuid}", f"{OB2}/badges/{badge.uuid}/image", f"{OB2}/assertions/{award.uuid}",
             f"{OB2}/assertions/{award.uuid}/image.png", f"{OB3}/credentials/{award.uuid}",
             f"{OB3}/credentials/{award.uuid}/image.png", f"/cities-network/badges/{award.uuid}/"]
    learner_client = Client()
    learner_client.force_login(learner)
    before = rows()
    with CaptureQueriesContext(connection) as captured:
        for path in paths:
            client.get(path)
            client.get(path, HTTP_ACCEPT=VC_JSON)
        learner_client.get("/cities-network/badges/")
        learner_client.get("/cities-network/api/v1/me/awards/")
    assert writes_of(captured) == [], "a GET wrote rows"
    assert rows() == before
    assert credential_json(client, award)["credentialStatus"]["statusListCredential"].endswith(status_list.slug)


@pytest.mark.django_db
def test_a_credential_without_its_status_position_yet_writes_none_on_a_get(client, city_a, learner):
    """The position comes with the award (or from the sweeper); until then the credential is not ready."""
    badge = make_badge(city_a)
    award = make_award(learner, badge, status_position=False)
    response = client.get(f"{OB3}/credentials/{award.uuid}")
    assert response.status_code == 503 and response["Retry-After"]
    assert "being issued" in response.json()["error"]
    assert not CredentialStatus.objects.exists()
    out = io.StringIO()
    call_command("cities_network_sweep", stdout=out)  # the periodic job gives it
    assert "status list positions given to awards without one: 1" in out.getvalue()
    assert client.get(f"{OB3}/credentials/{award.uuid}").status_code == 200
    assert statuslists.allocate_missing() == 0


@pytest.mark.django_db
def test_the_status_position_of_a_new_award_costs_three_statements(city_a, learner):
    """The list, how much of it is used, the position: what the award pays after its commit, once."""
    badge = make_badge(city_a)
    award = make_award(learner, badge, status_position=False)
    statuslists.allocate(make_award(learner.__class__.objects.create_user("warm"), badge, status_position=False))
    with CaptureQueriesContext(connection) as captured:
        entry = statuslists.allocate(award)
    statements = [q["sql"] for q in captured.captured_queries
                  if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert entry is not None and len(statements) == 3, "\n".join(statements)


@pytest.mark.django_db
def test_the_keys_command_gives_every_issuer_that_issues_its_keys(city_a, city_b, prospect, settings):
    settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET = ""  # classes made active before any key storage was set up
    make_badge(city_a)
    make_badge(None, name="Network badge")
    make_badge(city_b, status="draft")
    assert not SigningKey.objects.exists()
    settings.CITIES_NETWORK_KEY_ENCRYPTION_SECRET = "a-secret-set-up-afterwards-long-enough"
    out = io.StringIO()
    call_command("cities_network_keys", "generate", "--all", stdout=out)
    assert set(SigningKey.objects.values_list("issuer__slug", flat=True)) == {"alpha", "network"}
    assert "alpha: new active EdDSA key" in out.getvalue()
    call_command("cities_network_keys", "generate", "--all", stdout=out)
    assert SigningKey.objects.count() == 2 and "has its keys already" in out.getvalue()


@pytest.mark.django_db
def test_the_migration_gives_cities_that_issued_before_their_profile(city_a, city_b, prospect):
    """Before this release a profile came with the first GET: a city whose documents nobody fetched had none."""
    import importlib  # pylint: disable=import-outside-toplevel

    from django.apps import apps  # pylint: disable=import-outside-toplevel

    migration = importlib.import_module("cities_network_plugin.migrations.0014_issuer_profiles_of_issuing_cities")
    make_badge(city_a)
    make_badge(None, name="Network badge")
    make_badge(city_b, status="draft")
    IssuerProfile.objects.all().delete()  # as an older release left them: nobody had fetched a document
    migration.make_profiles(apps, None)
    assert set(IssuerProfile.objects.values_list("slug", "city__slug")) == {("alpha", "alpha"), ("network", None)}
    migration.make_profiles(apps, None)  # run again: nothing more
    assert IssuerProfile.objects.count() == 2
    assert Client().get(f"{OB2}/issuers/alpha").json()["name"] == "Alpha"
