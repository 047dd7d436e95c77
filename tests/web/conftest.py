"""Every learner page with something on it, for the tests of the frame they are shown in (LMS and Studio hosts)."""
import datetime

import pytest
from django.utils import timezone

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import Award
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import attendance
from cities_network_plugin.opportunities.models import Playlist

from tests.badges.conftest import COURSE, events, send_passing  # noqa: F401 - events is a fixture

# Each page and the heading it shows, which must sit inside the frame's content area.
PAGES = {
    "wallet": "<h1>My badges</h1>",
    "city": "<h1>Learning in Alpha</h1>",
    "opportunity": "<h1>Repair café</h1>",
    "playlist": "<h1>Fix it yourself</h1>",
    "claim": "<h1>Record your attendance</h1>",
    "award": "<h1>Bike mechanic</h1>",
    "course badges": "<h1>Badges of this course</h1>",
    "join": "<h1>Join the Cities of Learning Network</h1>",
}


@pytest.fixture
def learner_pages(city_a, learner, events):  # noqa: F811 - the fixture imported above
    """Address of each page of ``PAGES``: the learner holds a badge, the city an event, a playlist and a claim code."""
    opportunity = opportunities_api.create_opportunity(city_a, {"title": "Repair café", "status": "published"})
    playlist = Playlist.objects.create(city=city_a, title="Fix it yourself", status="published")
    opportunities_api.set_playlist_items(playlist, [(opportunity, True)])
    badges_api.create_class(city_a, {
        "name": "Bike mechanic", "description": "Fixes bicycles.", "criteria_narrative": "Pass the repair course.",
        "status": "active", "groups": [{"requirements": [{"kind": "course_passed", "target": COURSE}]}]})
    events(send_passing, learner)
    award = Award.objects.get(user=learner)
    now = timezone.now()
    code = attendance.create_claim_code(opportunity, now - datetime.timedelta(minutes=5),
                                        now + datetime.timedelta(hours=1))
    return {
        "wallet": "/cities-network/badges/",
        "city": f"/cities-network/c/{city_a.slug}/",
        "opportunity": f"/cities-network/o/{opportunity.uuid}/",
        "playlist": f"/cities-network/p/{playlist.uuid}/",
        "claim": f"/cities-network/claim/{code.code}/",
        "award": f"/cities-network/badges/{award.uuid}/",
        "course badges": f"/cities-network/courses/{COURSE}/badges/",
        "join": "/cities-network/join/",
    }


def own_base(html: str) -> bool:
    """Whether the page is in the plugin's own base (its bar, its main) and not in the LMS's frame."""
    return ('<header class="site">' in html and '<body class="cities-network">' in html
            and 'class="global-header"' not in html and 'id="footer-openedx"' not in html)


def without_address(client):
    """The client, sending its requests with no ``REMOTE_ADDR`` (which every WSGI server gives)."""
    handler = client.handler
    client.handler = lambda environ: handler({key: value for key, value in environ.items() if key != "REMOTE_ADDR"})
    return client
