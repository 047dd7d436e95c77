"""The learner pages of the LMS: a city's opportunities with filters and pages, and the detail pages."""
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities_network_plugin.opportunities import api
from cities_network_plugin.opportunities.models import Playlist
from cities_network_plugin.tenancy.models import CityStatus, Stakeholder

UTC = datetime.UTC
T0 = datetime.datetime(2030, 3, 5, 16, tzinfo=UTC)  # 18:00 in Vilnius (UTC+2 in March)
TEAMWORK = {"uri": "http://data.europa.eu/esco/skill/teamwork-1", "label": "Teamwork"}
CODING = {"uri": "http://data.europa.eu/esco/skill/coding-2", "label": "Coding"}
CARD = 'class="card opportunity"'


def make(city, title, **fields):
    data = {"title": title, "kind": "event", "status": "published", "start": T0,
            "end": T0 + datetime.timedelta(hours=2), **fields}
    cities = data.pop("cities", None)
    return api.create_opportunity(city, data, cities=cities)


def city_url(city, query=""):
    return f"/cities-network/c/{city.slug}/{query}"


def titles(response):
    """Titles of the opportunity cards, in page order."""
    html = response.content.decode()
    return re.findall(r'<h3><a href="/cities-network/o/[0-9a-f-]+/">([^<]+)</a></h3>', html)


def published_playlist(city, title, items, min_optional=0):
    playlist = Playlist.objects.create(city=city, title=title, status="published", min_optional=min_optional)
    api.set_playlist_items(playlist, items)
    return playlist


# --- City page ----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_city_page_shows_published_opportunities_of_the_city_only(client, city_a, city_b):
    make(city_a, "Robot club")
    make(city_b, "Dutch walk", cities=[city_a])  # owned by Beta, shown in Alpha too
    make(city_a, "Secret draft", status="draft")
    make(city_b, "Only in Beta")
    response = client.get(city_url(city_a))
    assert response.status_code == 200
    assert titles(response) == ["Dutch walk", "Robot club"]  # same start, so by title
    html = response.content.decode()
    assert "<h1>Learning in Alpha</h1>" in html
    assert "Alpha, LT" in html
    assert "Secret draft" not in html and "Only in Beta" not in html


@pytest.mark.django_db
def test_card_shows_dates_in_the_city_time_zone_place_organiser_and_skills(client, city_a):
    organiser = Stakeholder.objects.create(city=city_a, name="Makers Guild", kind="community")
    make(city_a, "Robot club", kind="workshop", place_name="Town library", organiser=organiser, skills=[TEAMWORK])
    make(city_a, "Web talk", online=True, start=T0 + datetime.timedelta(days=1), end=T0 + datetime.timedelta(days=3))
    make(city_a, "Open day", start=T0 + datetime.timedelta(days=5, hours=-8), end=None)
    html = client.get(city_url(city_a)).content.decode()
    robot, web, open_day = html.split(CARD)[1:4]
    assert "Workshop" in robot
    assert "March 5, 2030, 6 p.m.–8 p.m." in robot  # 16:00 UTC is 18:00 in Vilnius
    assert "Town library" in robot and "Makers Guild" in robot and "<li>Teamwork</li>" in robot
    assert "Online" in web
    assert "March 6, 2030, 6 p.m. to March 8, 2030, 6 p.m." in web
    assert "<dd>March 10, 2030, 10 a.m.</dd>" in open_day and "Place to be announced" in open_day
    assert "Times are in the Europe/Vilnius time zone." in html


@pytest.mark.django_db
def test_inactive_city_is_hidden_from_learners_but_its_team_may_preview_it(client, city_a, admin_a, learner):
    city_a.status = CityStatus.PROSPECT
    city_a.save()
    make(city_a, "Robot club")
    assert client.get(city_url(city_a)).status_code == 404
    client.force_login(learner)
    assert client.get(city_url(city_a)).status_code == 404
    client.force_login(admin_a)
    response = client.get(city_url(city_a))
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert titles(response) == ["Robot club"]


@pytest.mark.django_db
def test_unknown_city_is_404(client, db):
    assert client.get("/cities-network/c/nowhere/").status_code == 404


@pytest.fixture
def two_opportunities(city_a):
    """An online event in English and an in-person workshop in Lithuanian a month later."""
    make(city_a, "Online teamwork", kind="event", online=True, language="en", skills=[TEAMWORK])
    make(city_a, "Coding in the library", kind="workshop", place_name="Library", language="lt", skills=[CODING],
         start=T0 + datetime.timedelta(days=36), end=T0 + datetime.timedelta(days=36, hours=3))


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [
    ("", {"Online teamwork", "Coding in the library"}),
    ("?kind=workshop", {"Coding in the library"}),
    ("?kind=event", {"Online teamwork"}),
    ("?mode=online", {"Online teamwork"}),
    ("?mode=in_person", {"Coding in the library"}),
    ("?date_from=2030-04-01", {"Coding in the library"}),
    ("?date_to=2030-03-31", {"Online teamwork"}),
    ("?date_from=2030-03-01&date_to=2030-03-10", {"Online teamwork"}),
    ("?skill=coding", {"Coding in the library"}),
    (f"?skill={TEAMWORK['uri']}", {"Online teamwork"}),
    ("?language=lt", {"Coding in the library"}),
    ("?language=EN", {"Online teamwork"}),
    ("?kind=course", set()),
])
def test_each_filter_narrows_the_list(client, city_a, two_opportunities, query, expected):
    response = client.get(city_url(city_a, query))
    assert response.status_code == 200
    assert set(titles(response)) == expected
    if not expected:
        assert "No opportunity matches these filters" in response.content.decode()


@pytest.mark.django_db
def test_filter_form_has_labels_keeps_values_and_offers_the_languages_in_use(client, city_a, two_opportunities):
    html = client.get(city_url(city_a, "?kind=workshop&language=lt")).content.decode()
    for field_id in ("filter-kind", "filter-date-from", "filter-date-to", "filter-mode", "filter-skill",
                     "filter-language"):
        assert f'<label for="{field_id}">' in html and f'id="{field_id}"' in html
    assert '<option value="workshop" selected>' in html
    assert '<option value="lt" lang="lt" selected>' in html
    assert '<option value="en" lang="en">English</option>' in html
    assert 'type="date"' in html
    assert '<option value="nl"' not in html  # Beta's language is not in use in Alpha


@pytest.mark.django_db
def test_bad_filter_values_answer_400_with_a_message(client, city_a, two_opportunities):
    response = client.get(city_url(city_a, "?kind=party&date_from=tomorrow&mode=maybe"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Choose a kind from the list." in html
    assert "The “from” date is not a date; use the format YYYY-MM-DD." in html
    assert "Choose online or in person." in html
    assert 'aria-invalid="true" aria-describedby="error-kind"' in html
    assert 'value="tomorrow"' in html  # the learner's input stays in the form to correct
    assert titles(response) == []


@pytest.mark.django_db
def test_pagination_twelve_per_page_and_page_links_keep_the_filters(client, city_a):
    for number in range(13):
        make(city_a, f"Event {number:02}", start=T0 + datetime.timedelta(days=number), end=None)
    make(city_a, "A workshop", kind="workshop")
    first = client.get(city_url(city_a, "?kind=event"))
    assert titles(first) == [f"Event {number:02}" for number in range(12)]
    html = first.content.decode()
    assert "13 opportunities" in html
    assert 'href="?kind=event&amp;page=2"' in html
    assert 'aria-current="page">1<' in html
    second = client.get(city_url(city_a, "?kind=event&page=2"))
    assert titles(second) == ["Event 12"]
    assert 'href="?kind=event&amp;page=1" rel="prev"' in second.content.decode()
    # A page number out of range shows the last page rather than failing.
    assert titles(client.get(city_url(city_a, "?kind=event&page=99"))) == ["Event 12"]


@pytest.mark.django_db
def test_city_page_lists_published_playlists_with_item_counts(client, city_a):
    one, two = make(city_a, "One"), make(city_a, "Two")
    published_playlist(city_a, "Green skills path", [(one, True), (two, False)])
    Playlist.objects.create(city=city_a, title="Unfinished path", status="draft")
    html = client.get(city_url(city_a)).content.decode()
    assert "Green skills path" in html and "2 items" in html
    assert "Unfinished path" not in html


@pytest.mark.django_db
def test_city_page_queries_do_not_grow_with_the_number_of_cards(client, city_a, django_assert_max_num_queries):
    organiser = Stakeholder.objects.create(city=city_a, name="Makers Guild", kind="community")

    def add(count):
        for number in range(count):
            make(city_a, f"Event {number}", organiser=organiser, skills=[TEAMWORK], language="lt",
                 place_name="Library")

    add(2)
    client.get(city_url(city_a))  # warm the site cache, which is not the page's doing
    with CaptureQueriesContext(connection) as few:
        client.get(city_url(city_a))
    add(18)
    published_playlist(city_a, "Path", [(opportunity, True) for opportunity in api.published_in(city_a)[:3]])
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the playlists now present
        response = client.get(city_url(city_a, "?language=lt&mode=in_person"))
    assert len(titles(response)) == 12
    with django_assert_max_num_queries(8):
        client.get(city_url(city_a))


# --- Opportunity page ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_opportunity_page_shows_every_field_and_an_openstreetmap_link(client, city_a, city_b):
    organiser = Stakeholder.objects.create(city=city_a, name="Makers Guild", kind="community",
                                           website="https://makers.example")
    opportunity = make(
        city_a, "Robot club", kind="workshop", description="Bring a laptop.\n\nWe build <robots> & more.",
        place_name="Town library", address="Gedimino pr. 1", latitude="54.687157", longitude="25.279652",
        organiser=organiser, language="lt", skills=[TEAMWORK], url="https://signup.example/robots",
        cities=[city_b])
    in_playlist = published_playlist(city_a, "Tech path", [(opportunity, True)])
    draft_playlist = Playlist.objects.create(city=city_a, title="Hidden path", status="draft")
    api.set_playlist_items(draft_playlist, [(opportunity, True)])
    response = client.get(f"/cities-network/o/{opportunity.uuid}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Robot club</h1>" in html and "Workshop" in html
    assert "<p>Bring a laptop.</p>" in html and "We build &lt;robots&gt; &amp; more." in html
    assert "March 5, 2030, 6 p.m.–8 p.m." in html
    assert "Town library" in html and "Gedimino pr. 1" in html
    assert ('href="https://www.openstreetmap.org/?mlat=54.687157&amp;mlon=25.279652'
            '#map=16/54.687157/25.279652"') in html
    assert '<a href="https://makers.example" rel="noopener">Makers Guild</a>' in html
    assert '<dd lang="lt">' in html
    assert f'<a href="{TEAMWORK["uri"]}" rel="noopener">Teamwork</a>' in html
    assert 'href="https://signup.example/robots"' in html
    assert 'href="/cities-network/c/alpha/">Alpha</a>' in html and 'href="/cities-network/c/beta/">Beta</a>' in html
    assert f'href="/cities-network/p/{in_playlist.uuid}/"' in html and "Hidden path" not in html
    assert "/courses/" not in html


@pytest.mark.django_db
def test_course_backed_and_online_opportunities(client, city_a):
    course = make(city_a, "Python basics", kind="course", course_key="course-v1:AlphaX+PY101+2030", online=True)
    html = client.get(f"/cities-network/o/{course.uuid}/").content.decode()
    assert 'href="/courses/course-v1:AlphaX+PY101+2030/about"' in html
    assert '<p class="kind">Course</p>' in html and re.search(r"<dt>Where</dt>\s*<dd>\s*Online", html)
    assert "openstreetmap" not in html


@pytest.mark.django_db
def test_draft_opportunity_is_404_for_learners_and_a_preview_for_its_team(client, city_a, learner, admin_a):
    draft = make(city_a, "Robot club", status="draft")
    url = f"/cities-network/o/{draft.uuid}/"
    assert client.get(url).status_code == 404
    client.force_login(learner)
    assert client.get(url).status_code == 404
    client.force_login(admin_a)
    response = client.get(url)
    assert response.status_code == 200 and "Draft: learners cannot see" in response.content.decode()


@pytest.mark.django_db
def test_published_opportunity_of_a_city_not_open_to_learners_is_hidden(client, city_a):
    opportunity = make(city_a, "Robot club")
    city_a.status = CityStatus.PAUSED
    city_a.save()
    assert client.get(f"/cities-network/o/{opportunity.uuid}/").status_code == 404


# --- Playlist page ------------------------------------------------------------------------------------------------

@pytest.fixture
def path(city_a):
    """Three mandatory items, two optional ones of which one is needed."""
    items = [(make(city_a, f"Step {number}"), True) for number in range(1, 4)]
    items += [(make(city_a, "Extra A"), False), (make(city_a, "Extra B"), False)]
    return published_playlist(city_a, "Maker path", items, min_optional=1), [opportunity for opportunity, _ in items]


@pytest.mark.django_db
def test_playlist_page_shows_items_in_order_and_the_rule(client, path):
    playlist, _ = path
    response = client.get(f"/cities-network/p/{playlist.uuid}/")
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(title) for title in ("Step 1", "Step 2", "Step 3", "Extra A", "Extra B")]
    assert order == sorted(order)
    assert html.count('class="mark mandatory"') == 3 and html.count('class="mark optional"') == 2
    assert "do every mandatory item and at least 1 of the 2 optional items" in html
    assert f'href="/login/?next=%2Fcities-network%2Fp%2F{playlist.uuid}%2F"' in html
    assert "Your progress" not in html


@pytest.mark.django_db
def test_playlist_page_shows_a_learners_progress_and_done_marks(client, path, learner, django_assert_max_num_queries):
    playlist, (step1, step2, _step3, extra_a, _extra_b) = path
    for opportunity in (step1, step2, extra_a):
        api.record_completion(learner, opportunity)
    client.force_login(learner)
    with django_assert_max_num_queries(16):  # progress and done marks take a fixed number, whatever the items
        response = client.get(f"/cities-network/p/{playlist.uuid}/")
    html = response.content.decode()
    assert "Your progress" in html
    assert "2 of 3 mandatory done" in html
    assert "1 of at least 1 optional done" in html
    assert html.count('class="status-done"') == 3 and html.count('class="status-todo"') == 2
    done_items = re.findall(r'<li class="item done">.*?<a href="[^"]+">([^<]+)</a>', html, re.S)
    assert done_items == ["Step 1", "Step 2", "Extra A"]
    assert "Completed on" not in html
    api.record_completion(learner, _step3)
    assert "Completed on" in client.get(f"/cities-network/p/{playlist.uuid}/").content.decode()


@pytest.mark.django_db
def test_draft_items_appear_as_placeholders_to_learners(client, city_a, path):
    playlist, items = path
    api.update_opportunity(items[1], {"status": "draft"})
    html = client.get(f"/cities-network/p/{playlist.uuid}/").content.decode()
    assert "Step 2" not in html
    assert "still being prepared" in html
    assert html.count('class="mark mandatory"') == 3


@pytest.mark.django_db
def test_draft_playlist_is_404_for_learners_and_a_preview_for_its_team(client, city_a, learner, admin_a):
    playlist = Playlist.objects.create(city=city_a, title="Maker path", status="draft")
    url = f"/cities-network/p/{playlist.uuid}/"
    client.force_login(learner)
    assert client.get(url).status_code == 404
    client.force_login(admin_a)
    response = client.get(url)
    assert response.status_code == 200 and "Preview" in response.content.decode()
    assert "Your progress" not in response.content.decode()


@pytest.mark.django_db
def test_pages_declare_their_language_and_landmarks(client, city_a):
    html = client.get(city_url(city_a)).content.decode()
    assert '<html lang="en">' in html
    assert '<main id="main">' in html and 'role="search"' in html
    assert html.count("<h1>") == 1
