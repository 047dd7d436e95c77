"""
URLs of the city console, included at ``console/`` under the plugin's ``cities-network/`` prefix (namespace
``cities_network_plugin``). Names start with ``console-``. The course page comes before the city pages so that
``courses/<key>/`` is never read as a city slug.
"""
from django.urls import path

from .. import url_converters
from . import (
    views_attendance,
    views_badges,
    views_courses,
    views_dashboard,
    views_onboarding,
    views_opportunities,
    views_team,
)

CITY = "<slug:slug>/"
ID = url_converters.NAME  # ids: never past the largest id (a larger one is not found)

urlpatterns = [
    path("", views_dashboard.index, name="console-index"),
    path("courses/<str:course_key>/", views_courses.course, name="console-course"),
    path(CITY, views_dashboard.dashboard, name="console-dashboard"),
    path(f"{CITY}onboarding/<slug:step_key>/", views_onboarding.step, name="console-step"),
    # Opportunities, attendance and claim codes
    path(f"{CITY}opportunities/", views_opportunities.opportunities, name="console-opportunities"),
    path(f"{CITY}opportunities/new/", views_opportunities.opportunity_form, name="console-opportunity-new"),
    path(f"{CITY}opportunities/<uuid:uuid>/", views_opportunities.opportunity_form, name="console-opportunity"),
    path(f"{CITY}opportunities/<uuid:uuid>/attendance/", views_attendance.attendance_page,
         name="console-attendance"),
    path(f"{CITY}opportunities/<uuid:uuid>/claim-codes/", views_attendance.claim_codes,
         name="console-claim-codes"),
    # Playlists
    path(f"{CITY}playlists/", views_opportunities.playlists, name="console-playlists"),
    path(f"{CITY}playlists/new/", views_opportunities.playlist_form, name="console-playlist-new"),
    path(f"{CITY}playlists/<uuid:uuid>/", views_opportunities.playlist_form, name="console-playlist"),
    # Badges
    path(f"{CITY}badges/", views_badges.badges, name="console-badges"),
    path(f"{CITY}badges/new/", views_badges.badge_form, name="console-badge-new"),
    path(f"{CITY}badges/<uuid:uuid>/", views_badges.badge_form, name="console-badge"),
    path(f"{CITY}badges/<uuid:uuid>/image/", views_badges.badge_image, name="console-badge-image"),
    path(f"{CITY}badges/<uuid:uuid>/status/", views_badges.badge_status, name="console-badge-status"),
    path(f"{CITY}badges/<uuid:uuid>/new-version/", views_badges.badge_new_version, name="console-badge-new-version"),
    path(f"{CITY}badges/<uuid:uuid>/awards/", views_badges.badge_awards, name="console-badge-awards"),
    path(f"{CITY}awards/<uuid:uuid>/revoke/", views_badges.award_revoke, name="console-award-revoke"),
    # Courses, team and stakeholders
    path(f"{CITY}courses/", views_courses.courses, name="console-courses"),
    path(f"{CITY}team/", views_team.team, name="console-team"),
    path(f"{CITY}team/<{ID}:user_id>/remove/", views_team.team_remove, name="console-team-remove"),
    path(f"{CITY}stakeholders/", views_team.stakeholders, name="console-stakeholders"),
    path(f"{CITY}stakeholders/<{ID}:pk>/", views_team.stakeholder_edit, name="console-stakeholder"),
]
