"""Records the console tests work on, made through the domain functions (as a city team would make them)."""
import html
import re

from django.urls import reverse

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities.models import Playlist
from cities_network_plugin.tenancy.models import Stakeholder


def url(name, *args):
    return reverse(f"cities_network_plugin:{name}", args=args)


def opportunity(city, title="Bike repair evening", **fields):
    data = {"title": title, "kind": "workshop", "status": "published", "online": True, **fields}
    return opportunities_api.create_opportunity(city, data)


def playlist(city, items, title="Cycling basics"):
    created = Playlist.objects.create(city=city, title=title)
    opportunities_api.set_playlist_items(created, [(item, True) for item in items])
    return created


def badge(city, name="Bike mechanic", status="active", groups=None):
    return badges_api.create_class(city, {
        "name": name, "description": "Can fix a bicycle.", "criteria_narrative": "Fix three bicycles.",
        "status": status, "groups": groups if groups is not None else [{"requirements": [{"kind": "manual"}]}],
    })


def stakeholder(city, name="Alpha Library"):
    return Stakeholder.objects.create(city=city, name=name, kind="community")


def errors_of(response, field_id: str) -> list[str]:
    """The messages the page shows next to the field whose input has ``id=field_id``."""
    page = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="{re.escape(field_id)}-error" role="alert">(.*?)</ul>', page, re.S)
    return [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)] if match else []
