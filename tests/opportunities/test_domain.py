"""Opportunities and playlists: validation, course sync, filters, GeoJSON, completions and playlist progress."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cities_network_plugin.opportunities import api
from cities_network_plugin.opportunities.models import Opportunity, Playlist, PlaylistProgress
from cities_network_plugin.tenancy.models import Stakeholder

from tests.host.platform_standin.models import StandinCourse

SKILL = {"uri": "http://data.europa.eu/esco/skill/abc", "label": "repair bicycles"}
T0 = datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)


def make(city, **fields):
    data = {"title": "Bike repair", "kind": "workshop", "status": "published", "start": T0,
            "end": T0 + datetime.timedelta(hours=2), **fields}
    return api.create_opportunity(city, data)


@pytest.mark.django_db
def test_create_with_place_skills_and_extra_cities(city_a, city_b):
    organiser = Stakeholder.objects.create(city=city_a, name="Bike Kitchen", kind="community")
    opportunity = api.create_opportunity(city_a, {
        "title": "Bike repair", "kind": "workshop", "place_name": "Bike Kitchen", "address": "Gedimino pr. 1",
        "latitude": "54.687157", "longitude": "25.279652", "organiser": organiser, "language": "lt",
        "skills": [SKILL], "status": "published"}, cities=[city_b])
    assert set(opportunity.cities.all()) == {city_a, city_b}
    assert opportunity.has_location and opportunity.skills == [SKILL]


@pytest.mark.django_db
def test_invalid_opportunities_name_every_problem(city_a, city_b):
    other_organiser = Stakeholder.objects.create(city=city_b, name="Beta school", kind="education")
    with pytest.raises(ValidationError) as info:
        api.create_opportunity(city_a, {
            "title": "", "kind": "party", "start": T0, "end": T0 - datetime.timedelta(days=1), "latitude": "95",
            "skills": [{"uri": "https://example.com/skill", "label": "x"}], "language": "English!",
            "organiser": other_organiser})
    errors = info.value.message_dict
    assert "This field cannot be blank." in errors["title"]
    assert "is not a valid choice" in errors["kind"][0]
    assert "The end comes before the start." in errors["end"]
    assert any("less than or equal to 90" in m for m in errors["latitude"])
    assert "is not an ESCO URI" in errors["skills"][0]
    assert "language" in errors
    assert "same city" in errors["organiser"][0]
    with pytest.raises(ValidationError, match="An online opportunity has no address"):
        make(city_a, online=True, address="Main street 1")
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_course_sync_follows_the_platform_and_the_org_city(city_a):
    StandinCourse.objects.create(course_key="course-v1:AlphaX+Bikes+2026", display_name="Bikes", org="AlphaX",
                                 start=T0)
    opportunity = api.sync_course("course-v1:AlphaX+Bikes+2026")
    assert (opportunity.title, opportunity.city, opportunity.kind, opportunity.status) == (
        "Bikes", city_a, "course", "draft")
    assert list(opportunity.cities.all()) == [city_a]
    api.sync_course("course-v1:AlphaX+Bikes+2026", title="Bicycles", start=T0, end=None, hidden=False)
    opportunity.refresh_from_db()
    assert opportunity.title == "Bicycles"
    assert Opportunity.objects.count() == 1
    assert api.sync_course("course-v1:NobodyX+Y+Z") is None  # no city claims it
    assert Opportunity.objects.count() == 1


@pytest.mark.django_db
def test_course_backed_opportunities_keep_platform_title(city_a):
    opportunity = make(city_a, course_key="course-v1:AlphaX+C+1", title="From the platform")
    api.update_opportunity(opportunity, {"title": "Edited", "description": "More words"})
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.description) == ("From the platform", "More words")


@pytest.mark.django_db
def test_filters(city_a):
    make(city_a, title="Online coding", kind="course", online=True, language="en", start=T0, end=T0)
    make(city_a, title="Bike repair", kind="workshop", language="lt", skills=[SKILL],
         start=T0 + datetime.timedelta(days=30), end=T0 + datetime.timedelta(days=30))
    make(city_a, title="Draft thing", status="draft")

    def titles(**params):
        filters = api.OpportunityFilters.from_params(params)
        return [o.title for o in filters.apply(api.published_in(city_a))]

    assert titles() == ["Online coding", "Bike repair"]
    assert titles(kind="workshop") == ["Bike repair"]
    assert titles(mode="online") == ["Online coding"]
    assert titles(mode="in_person") == ["Bike repair"]
    assert titles(language="LT") == ["Bike repair"]
    assert titles(skill="bicycles") == ["Bike repair"]
    assert titles(date_from="2026-05-15") == ["Bike repair"]
    assert titles(date_to="2026-05-15") == ["Online coding"]
    with pytest.raises(ValidationError) as info:
        api.OpportunityFilters.from_params({"kind": "party", "date_from": "soon", "mode": "both"})
    assert set(info.value.message_dict) == {"kind", "date_from", "mode"}


@pytest.mark.django_db
def test_geojson_has_published_in_person_points(city_a):
    make(city_a, title="Here", latitude="54.6872", longitude="25.2797", place_name="Town hall")
    make(city_a, title="Online", online=True)
    make(city_a, title="Draft", status="draft", latitude="54.1", longitude="25.1")
    data = api.geojson(city_a)
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [25.2797, 54.6872]}
    assert feature["properties"]["title"] == "Here"


@pytest.mark.django_db
def test_playlist_progress_needs_all_mandatory_and_enough_optional(city_a, city_b, learner):
    a, b, c, d = (make(city_a, title=t) for t in "ABCD")
    playlist = Playlist.objects.create(city=city_a, title="Makers", min_optional=1, status="published")
    api.set_playlist_items(playlist, [(a, True), (b, True), (c, False), (d, False)])
    api.record_completion(learner, a)
    _, [progress] = api.record_completion(learner, c, source="attendance")
    assert (progress.mandatory_done, progress.mandatory_total, progress.optional_done) == (1, 2, 1)
    assert not progress.complete
    _, [progress] = api.record_completion(learner, b)
    assert progress.complete
    again, _ = api.record_completion(learner, b, source="claim_code")  # idempotent: the first record stands
    assert again.source == "manual"
    assert PlaylistProgress.objects.get(user=learner, playlist=playlist).complete


@pytest.mark.django_db
def test_playlist_items_must_be_shown_in_its_city(city_a, city_b):
    mine, theirs = make(city_a, title="Mine"), make(city_b, title="Theirs")
    playlist = Playlist.objects.create(city=city_a, title="Mixed", min_optional=3)
    with pytest.raises(ValidationError) as info:
        api.set_playlist_items(playlist, [(mine, True), (theirs, False), (mine, False)])
    messages = info.value.message_dict["items"]
    assert f"Item 2: There is no opportunity '{theirs.uuid}' shown in Alpha." in messages
    assert "Item 3: 'Mine' is already in the playlist." in messages
    assert "The playlist asks for 3 optional items but has 2." in messages
    assert not playlist.items.exists()


@pytest.mark.django_db
def test_completions_reject_unknown_sources(city_a, learner):
    with pytest.raises(ValidationError, match="'rumour' is not a completion source"):
        api.record_completion(learner, make(city_a), source="rumour", completed_at=timezone.now())


@pytest.mark.django_db
def test_skill_search_matches_accented_labels(city_a):
    make(city_a, title="Taisymas", skills=[{"uri": "http://data.europa.eu/esco/skill/x", "label": "dviračių taisymas"}])
    filters = api.OpportunityFilters.from_params({"skill": "dviračių"})
    assert [o.title for o in filters.apply(api.published_in(city_a))] == ["Taisymas"]
