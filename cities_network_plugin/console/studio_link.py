"""
The console address of a course, for linking a course in Studio to its cities and badges.

How Studio links here:

* The console's own "Courses" page lists every course of the city (its course-backed opportunities and the
  platform's courses of the city's organisations) and links each one to its course page, and each course page
  links back to the course outline in Studio (``/course/<course key>``).
* Studio's course outline has no generic server-side slot a plugin can fill, so the link *from* a course in
  Studio is added by the operator: in the authoring MFE with a plugin slot (frontend-plugin-framework) that
  renders a link to ``course_console_url(course_key)`` — for example in the course outline's sidebar or
  header slot — or as a custom link on the course's "Pages & Resources" page. Both only need the URL below,
  which is stable (see the URL names in ``console/urls.py``).
"""
from __future__ import annotations

from django.urls import reverse

from ..tenancy import api as tenancy_api


def course_console_url(course_key, request=None) -> str:
    """The console page of a course (its cities and badges); absolute when a request is given."""
    key = str(tenancy_api.as_course_key(course_key))
    path = reverse("cities_network_plugin:console-course", args=[key])
    return request.build_absolute_uri(path) if request is not None else path


def studio_outline_url(course_key) -> str:
    """Studio's course outline of a course (the console runs in Studio, so a path on the same host)."""
    return f"/course/{tenancy_api.as_course_key(course_key)}"
