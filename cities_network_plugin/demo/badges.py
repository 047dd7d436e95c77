"""
Demo badges: classes with images and requirements, and learners who earn them through the real pipeline —
openedx-events signals for course passing and certificates, attendance and claim codes — while seeding.
"""
import datetime
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import CERTIFICATE_CREATED, COURSE_PASSING_STATUS_UPDATED
from PIL import Image, ImageDraw

from ..badges import api as badges_api
from ..badges.models import Award, BadgeClass, BadgeStatus
from ..opportunities import attendance
from ..opportunities.models import Opportunity, Playlist

ESCO = "http://data.europa.eu/esco/skill/"


def svg_badge(initials: str, colour: str) -> bytes:
    """A simple round badge with initials, as a safe SVG."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">'
        f'<circle cx="100" cy="100" r="96" fill="{colour}"/>'
        '<circle cx="100" cy="100" r="80" fill="none" stroke="#ffffff" stroke-width="6"/>'
        f'<text x="100" y="122" font-family="sans-serif" font-size="64" font-weight="bold" fill="#ffffff" '
        f'text-anchor="middle">{initials}</text></svg>'
    ).encode()


def png_badge(colour: tuple[int, int, int]) -> bytes:
    """A round PNG badge with a ring."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 252, 252), fill=colour + (255,))
    draw.ellipse((36, 36, 220, 220), outline=(255, 255, 255, 255), width=10)
    draw.polygon([(128, 70), (146, 112), (192, 112), (155, 140), (170, 186), (128, 158), (86, 186), (101, 140),
                  (64, 112), (110, 112)], fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _class(city, name, description, criteria, groups, image: tuple[bytes, str], alignments=(), **extra):
    badge = BadgeClass.objects.filter(issuer_city=city, name=name).first()
    if badge is None:
        badge = badges_api.create_class(city, {
            "name": name, "description": description, "criteria_narrative": criteria, "groups": groups,
            "alignments": [{"targetName": label, "targetUrl": f"{ESCO}{code}", "targetFramework": "ESCO",
                            "targetCode": code} for code, label in alignments], **extra})
        badges_api.set_image(badge, image[0], filename=image[1])
        badges_api.activate(badge)
    return badge


def _user_data(user) -> UserData:
    return UserData(id=user.pk, is_active=True, pii=UserPersonalData(username=user.username, email=user.email,
                                                                     name=user.get_full_name()))


def _pass(user, course_key: str, when: datetime.datetime) -> None:
    COURSE_PASSING_STATUS_UPDATED.send_event(time=when, course_passing_status=CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=CourseKey.from_string(course_key)), user=_user_data(user)))


def _certificate(user, course_key: str, when: datetime.datetime) -> None:
    CERTIFICATE_CREATED.send_event(time=when, certificate=CertificateData(
        user=_user_data(user), course=CourseData(course_key=CourseKey.from_string(course_key)), mode="verified",
        grade="0.92", download_url="", name=user.get_full_name(), current_status="downloadable"))


def seed(stdout, accounts: dict) -> None:
    """Badge classes for Vilnius, Rotterdam and the network; learners earn some through real events."""
    vilnius, rotterdam = accounts["cities"]["vilnius"], accounts["cities"]["rotterdam"]
    with transaction.atomic():
        bike = _class(vilnius, "Bike mechanic", "Can diagnose and repair the common faults of a city bicycle.",
                      "Pass the online course 'Bicycle repair for everyone'.",
                      [{"requirements": [{"kind": "course_passed", "target": "course-v1:VilniusX+Bikes101+2026"}]}],
                      (png_badge((10, 61, 98)), "bike.png"), [("5a8f4a17-7a58-4a1c-9b9f-0f3a2b3c1d01",
                                                               "repair bicycles")])
        coder = _class(vilnius, "Young coder", "Wrote and shared a first working program.",
                       "Earn the verified certificate of 'Coding for all ages'.",
                       [{"requirements": [{"kind": "certificate_earned", "target": "course-v1:VilniusX+Code4All+2026",
                                           "certificate_modes": ["verified"]}]}],
                       (svg_badge("YC", "#1e7b34"), "coder.svg"), expiry_rule="days_after", expires_after_days=730)
        makers = Playlist.objects.get(city=vilnius, title="Makers of Vilnius")
        maker = _class(vilnius, "Maker of Vilnius", "Repaired, built and shared with the makers of Vilnius.",
                       "Complete the playlist 'Makers of Vilnius'.",
                       [{"requirements": [{"kind": "playlist_completed", "target": str(makers.uuid)}]}],
                       (svg_badge("MV", "#9c3d00"), "maker.svg"))
        volunteer = _class(vilnius, "Library volunteer", "Helped readers at the city library.",
                           "Volunteer at the city library (recorded by the library).",
                           [{"requirements": [{"kind": "opportunity_attended", "target": str(Opportunity.objects.get(
                               city=vilnius, title="Volunteering at the city library").uuid)}]}],
                           (png_badge((120, 40, 140)), "volunteer.png"))
        _class(rotterdam, "Port explorer", "Knows the jobs of the port of Rotterdam.",
               "Pass 'Working in the port of Rotterdam' and attend the port careers open day.",
               [{"requirements": [{"kind": "course_passed", "target": "course-v1:RotterdamLeert+Havens+2026"}]},
                {"requirements": [{"kind": "opportunity_attended", "target": str(Opportunity.objects.get(
                    city=rotterdam, title="Port careers open day").uuid)}]}],
               (svg_badge("PE", "#0a3d62"), "port.svg"))
        _class(None, "Cities of Learning explorer", "Holds badges of the network's cities.",
               "Earn any two badges of Vilnius.",
               [{"min_required": 2, "requirements": [{"kind": "badge_earned", "target": str(b.uuid)}
                                                     for b in (bike, coder, maker, volunteer)]}],
               (png_badge((211, 84, 0)), "explorer.png"))

    users = get_user_model().objects
    learner, tomas, eva = users.get(username="learner"), users.get(username="tomas"), users.get(username="eva")
    now = timezone.now()
    if not Award.objects.filter(user=learner).exists():
        with transaction.atomic():  # the receivers queue on commit: the pipeline runs when this block ends
            _pass(learner, "course-v1:VilniusX+Bikes101+2026", now - datetime.timedelta(days=20))
            _certificate(learner, "course-v1:VilniusX+Code4All+2026", now - datetime.timedelta(days=5))
            _pass(tomas, "course-v1:VilniusX+Bikes101+2026", now - datetime.timedelta(days=3))
            _pass(eva, "course-v1:RotterdamLeert+Havens+2026", now - datetime.timedelta(days=2))
        with transaction.atomic():
            library = Opportunity.objects.get(city=vilnius, title="Volunteering at the city library")
            attendance.record_attendance(library, tomas, accounts["manager"])
            if not library.completions.filter(user=learner).exists():
                code = attendance.create_claim_code(library, now - datetime.timedelta(hours=1),
                                                    now + datetime.timedelta(days=7))
                attendance.claim(learner, code.code)
    active = BadgeClass.objects.filter(status=BadgeStatus.ACTIVE).count()
    stdout.write(f"  {active} badge classes, {Award.objects.count()} badges earned through the event pipeline")
