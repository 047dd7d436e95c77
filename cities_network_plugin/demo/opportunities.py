"""Demo opportunities: the cities' courses, in-person events with coordinates, online ones, and playlists."""
import datetime

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from .. import compat
from ..opportunities import api
from ..opportunities.models import Opportunity, Playlist, PublicationStatus
from ..tenancy.models import Stakeholder

COURSES = [
    ("course-v1:VilniusX+Bikes101+2026", "Bicycle repair for everyone"),
    ("course-v1:VilniusX+Code4All+2026", "Coding for all ages"),
    ("course-v1:VilniusTechHub+Robots+2026", "Robotics club"),
    ("course-v1:RotterdamLeert+Havens+2026", "Working in the port of Rotterdam"),
]

ESCO = "http://data.europa.eu/esco/skill/"
# (city, title, kind, days from today, hours, place, address, lat, lon, organiser, language, skills)
EVENTS = [
    ("vilnius", "Bike repair workshop", "workshop", 5, 3, "Bike Kitchen", "Gedimino pr. 9, Vilnius",
     "54.687157", "25.279652", "Vilnius University", "lt",
     [(f"{ESCO}5a8f4a17-7a58-4a1c-9b9f-0f3a2b3c1d01", "repair bicycles")]),
    ("vilnius", "Open data hackathon", "event", 12, 8, "Tech Hub", "Vilniaus g. 22, Vilnius",
     "54.683930", "25.275540", "Tech Hub Employers' Club", "en",
     [(f"{ESCO}7c1e2b3a-4d5e-4f60-8a9b-1c2d3e4f5a02", "analyse data")]),
    ("vilnius", "Urban gardening day", "activity", 20, 4, "Vingis Park", "M. K. Čiurlionio g. 100, Vilnius",
     "54.683333", "25.233333", "", "lt", [(f"{ESCO}0b1c2d3e-4f50-4a6b-9c7d-8e9f0a1b2c03", "grow plants")]),
    ("vilnius", "Volunteering at the city library", "volunteering", 3, 3, "Central Library",
     "Žemaitės g. 21, Vilnius", "54.676000", "25.268000", "Vilnius City Municipality", "lt",
     [(f"{ESCO}1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e04", "assist library users")]),
    ("rotterdam", "Port careers open day", "event", 9, 5, "Port of Rotterdam Academy", "Wilhelminakade 909",
     "51.905800", "4.487800", "Port of Rotterdam Academy", "nl",
     [(f"{ESCO}2e3f4051-6b7c-4d8e-9f0a-1b2c3d4e5f05", "work in a team")]),
    ("rotterdam", "Online English for logistics", "course", 2, 1, "", "", "", "", "", "en",
     [(f"{ESCO}3f405162-7c8d-4e9f-8a0b-2c3d4e5f6a06", "communicate in English")]),
]


def seed(stdout, accounts: dict) -> None:
    """Course opportunities (published), events, and a playlist per active city."""
    cities = accounts["cities"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for key, title in COURSES:
        compat.add_demo_course(CourseKey.from_string(key), title)
        opportunity = api.sync_course(key)
        if opportunity is not None and opportunity.status != PublicationStatus.PUBLISHED:
            opportunity.status = PublicationStatus.PUBLISHED
            opportunity.save(update_fields=["status"])
    for slug, title, kind, days, hours, place, address, lat, lon, organiser, language, skills in EVENTS:
        city = cities[slug]
        start = now + datetime.timedelta(days=days, hours=10 - now.hour)
        data = {
            "title": title, "kind": kind, "start": start, "end": start + datetime.timedelta(hours=hours),
            "online": not place, "place_name": place, "address": address, "latitude": lat or None,
            "longitude": lon or None, "language": language, "status": PublicationStatus.PUBLISHED,
            "organiser": Stakeholder.objects.filter(city=city, name=organiser).first(),
            "skills": [{"uri": uri, "label": label} for uri, label in skills],
            "description": f"{title} in {city.name}. Everyone is welcome; no experience needed.",
        }
        existing = Opportunity.objects.filter(city=city, title=title).first()
        if existing is None:
            api.create_opportunity(city, data, user=accounts["manager"])
        else:
            api.update_opportunity(existing, data)
    _playlist(cities["vilnius"], "Makers of Vilnius", "Repair, build and share: three ways to make things in "
              "Vilnius.", 1, [("Bicycle repair for everyone", True), ("Bike repair workshop", True),
                             ("Robotics club", False), ("Urban gardening day", False)])
    _playlist(cities["vilnius"], "Digital Vilnius", "From first code to open data.", 0,
              [("Coding for all ages", True), ("Open data hackathon", True)])
    _playlist(cities["rotterdam"], "Ready for the port", "Get to know the port and its working language.", 0,
              [("Working in the port of Rotterdam", True), ("Port careers open day", True),
               ("Online English for logistics", True)])
    count = Opportunity.objects.count()
    stdout.write(f"  {count} learning opportunities, {Playlist.objects.count()} playlists")


def _playlist(city, title, description, min_optional, items):
    playlist, _ = Playlist.objects.update_or_create(
        city=city, title=title,
        defaults={"description": description, "min_optional": min_optional, "status": PublicationStatus.PUBLISHED},
    )
    chosen = [(Opportunity.objects.get(cities=city, title=name), mandatory) for name, mandatory in items]
    api.set_playlist_items(playlist, chosen)
    return playlist
