"""Console forms for opportunities, playlists, attendance and claim codes: each through the domain, errors per field."""
import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile

from cities_network_plugin.opportunities.models import ClaimCode, Opportunity, OpportunityCompletion, Playlist
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import CityRoleName

from .console_data import errors_of, opportunity, url

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

EVENT = {"title": "Bike repair evening", "kind": "workshop", "status": "published", "description": "Fix your bike.",
         "start": "2026-05-02T18:00", "end": "2026-05-02T20:30", "place_name": "Alpha Library",
         "address": "Main St 1", "latitude": "54.687157", "longitude": "25.279652", "language": "lt",
         "skills": "repair bicycles | http://data.europa.eu/esco/skill/abc"}


def test_a_team_member_creates_an_opportunity(client, core_a, city_a):
    client.force_login(core_a)
    response = client.post(url("console-opportunity-new", "alpha"), EVENT, follow=True)
    assert response.status_code == 200
    created = Opportunity.objects.get(title="Bike repair evening")
    assert response.redirect_chain == [(url("console-opportunity", "alpha", created.uuid), 302)]
    assert "The opportunity “Bike repair evening” was created." in response.content.decode()
    assert (created.city, created.kind, created.status, created.language) == (city_a, "workshop", "published", "lt")
    assert created.skills == [{"uri": "http://data.europa.eu/esco/skill/abc", "label": "repair bicycles"}]
    assert created.created_by == core_a and set(created.cities.all()) == {city_a}
    # Entered in the city's time zone (Vilnius, UTC+3 in May).
    assert created.start.isoformat() == "2026-05-02T15:00:00+00:00"


def test_a_bad_opportunity_is_explained_next_to_its_fields_and_not_saved(client, admin_a, city_a):
    client.force_login(admin_a)
    bad = {**EVENT, "end": "2026-05-01T10:00", "longitude": "", "skills": "no bar here", "url": "not a link"}
    response = client.post(url("console-opportunity-new", "alpha"), bad)
    assert response.status_code == 400
    assert errors_of(response, "id_skills") == ["Line 1: write the skill as “label | ESCO URI”."]
    assert errors_of(response, "id_url") == ["Enter a valid URL."]
    assert not Opportunity.objects.exists()
    # Past the form's own checks, the domain's rules come back on their fields too.
    response = client.post(url("console-opportunity-new", "alpha"), {**EVENT, "end": "2026-05-01T10:00",
                                                                      "longitude": ""})
    assert response.status_code == 400
    assert errors_of(response, "id_end") == ["The end comes before the start."]
    assert errors_of(response, "id_latitude") == ["Give both latitude and longitude, or neither."]
    assert "Nothing was saved" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_editing_an_opportunity_and_the_cities_that_show_it(client, make_user, city_a, city_b):
    both = make_user("both", is_staff=True)
    tenancy_api.set_member(city_a, both, CityRoleName.ADMIN)
    tenancy_api.set_member(city_b, both, CityRoleName.CORE_TEAM)
    event = opportunity(city_a)
    client.force_login(both)
    page = client.get(url("console-opportunity", "alpha", event.uuid)).content.decode()
    assert 'value="Bike repair evening"' in page and 'name="cities"' in page
    response = client.post(url("console-opportunity", "alpha", event.uuid),
                           {**EVENT, "title": "Bike repair night", "cities": [city_b.pk]})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Bike repair night"
    assert set(event.cities.all()) == {city_a, city_b}
    # Beta shows it but does not own it: Beta's console lists it and does not edit it.
    assert client.get(url("console-opportunity", "beta", event.uuid)).status_code == 404
    assert "Managed by Alpha" in client.get(url("console-opportunities", "beta")).content.decode()


def test_playlists_are_made_of_the_citys_opportunities_in_order(client, admin_a, city_a):
    first, second = opportunity(city_a, "Bike basics"), opportunity(city_a, "Bike tour")
    client.force_login(admin_a)
    form = {"title": "Cycling basics", "description": "", "min_optional": "1", "status": "published",
            "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-opportunity": str(first.pk), "items-0-order": "2",
            "items-1-opportunity": str(second.pk), "items-1-mandatory": "on", "items-1-order": "1",
            "items-2-opportunity": "", "items-2-order": ""}
    response = client.post(url("console-playlist-new", "alpha"), form, follow=True)
    assert "The playlist “Cycling basics” was saved." in response.content.decode()
    playlist = Playlist.objects.get(title="Cycling basics")
    assert [(i.opportunity, i.mandatory) for i in playlist.items.order_by("position")] == [(second, True),
                                                                                            (first, False)]
    # Asking for more optional items than there are is refused, and the playlist stays as it was.
    response = client.post(url("console-playlist", "alpha", playlist.uuid), {**form, "min_optional": "3"})
    assert response.status_code == 400
    assert "The playlist asks for 3 optional items but has 1." in response.content.decode()
    playlist.refresh_from_db()
    assert playlist.min_optional == 1


def test_recording_one_learners_attendance(client, admin_a, learner, city_a):
    event = opportunity(city_a)
    client.force_login(admin_a)
    page = url("console-attendance", "alpha", event.uuid)
    response = client.post(page, {"action": "one", "one-user": "nobody"})
    assert response.status_code == 400
    assert errors_of(response, "id_one-user") == [
        "'nobody' does not name one account. Check it with the person, or give their username."]
    assert not OpportunityCompletion.objects.exists()
    response = client.post(page, {"action": "one", "one-user": "learner@example.com"}, follow=True)
    assert "learner&#x27;s attendance was recorded." in response.content.decode()
    completion = OpportunityCompletion.objects.get()
    assert (completion.user, completion.source, completion.recorded_by) == (learner, "attendance", admin_a)


def test_attendance_from_a_csv_is_checked_first(client, admin_a, make_user, city_a):
    event = opportunity(city_a)
    make_user("ana"), make_user("ben")
    client.force_login(admin_a)
    page = url("console-attendance", "alpha", event.uuid)

    def upload(text, dry_run):
        data = {"action": "csv", "csv-file": SimpleUploadedFile("people.csv", text.encode(), "text/csv")}
        if dry_run:
            data["csv-dry_run"] = "on"
        return client.post(page, data)

    response = upload("user\nana\nnobody\n", dry_run=False)
    assert response.status_code == 400
    assert "Line 3:" in response.content.decode()
    assert "&#x27;nobody&#x27; does not name one account." in response.content.decode()
    assert not OpportunityCompletion.objects.exists()
    response = upload("user\nana\nben@example.com\n", dry_run=True)
    assert response.status_code == 200
    assert "2 learners would be recorded." in response.content.decode()
    assert not OpportunityCompletion.objects.exists()
    response = upload("user\nana\nben@example.com\n", dry_run=False)
    assert response.status_code == 302
    assert set(OpportunityCompletion.objects.values_list("user__username", flat=True)) == {"ana", "ben"}


def test_claim_codes_with_their_qr_images(client, admin_a, city_a, settings):
    settings.CITIES_NETWORK_PUBLIC_URL = "https://learn.example.org"
    event = opportunity(city_a)
    client.force_login(admin_a)
    page = url("console-claim-codes", "alpha", event.uuid)
    response = client.post(page, {"valid_from": "2026-05-02T18:00", "valid_until": "2026-05-02T17:00"})
    assert response.status_code == 400
    assert errors_of(response, "id_valid_until") == ["The code must stop being valid after it starts."]
    assert not ClaimCode.objects.exists()
    response = client.post(page, {"valid_from": "2026-05-02T18:00", "valid_until": "2026-05-02T22:00"}, follow=True)
    code = ClaimCode.objects.get()
    assert code.opportunity == event and code.created_by == admin_a
    assert code.valid_from.isoformat() == "2026-05-02T15:00:00+00:00"  # Vilnius time
    html = response.content.decode()
    claim = f"https://learn.example.org/cities-network/claim/{code.code}/"
    assert f"The claim code {code.code} was created." in html
    assert f'<a href="{claim}">{claim}</a>' in html
    svg = html.split('<svg role="img"', 1)[1].split("</svg>", 1)[0]
    assert 'class="qr"' in svg and f"<title>QR code of {claim}</title>" in svg
    # The drawn symbol is the QR code of exactly that link (the same matrix segno makes for it).
    expected = segno.make(claim, error="m", micro=False).svg_inline(scale=4, border=4)
    assert expected.split(' d="', 1)[1].split('"', 1)[0] in svg


def test_a_draft_gets_no_claim_code(client, admin_a, city_a):
    draft = opportunity(city_a, status="draft")
    client.force_login(admin_a)
    response = client.post(url("console-claim-codes", "alpha", draft.uuid),
                           {"valid_from": "2026-05-02T18:00", "valid_until": "2026-05-02T22:00"})
    assert response.status_code == 400
    assert "Publish the opportunity before handing out its claim code." in response.content.decode()
    assert not ClaimCode.objects.exists()
