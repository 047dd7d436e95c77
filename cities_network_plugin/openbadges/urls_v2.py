"""Open Badges 2.0 URLs (hosted verification); the paths are the public contract of DESIGN §2, see ``v2.py``."""
from django.urls import path

from . import views_v2

urlpatterns = [
    path("issuers/<slug:slug>", views_v2.issuer, name="ob2-issuer"),
    path("issuers/<slug:slug>/image", views_v2.issuer_image, name="ob2-issuer-image"),
    path("issuers/<slug:slug>/revocations", views_v2.revocations, name="ob2-revocations"),
    path("badges/<uuid:uuid>", views_v2.badge_class, name="ob2-badge"),
    path("badges/<uuid:uuid>/image", views_v2.badge_class_image, name="ob2-badge-image"),
    path("assertions/<uuid:uuid>", views_v2.assertion, name="ob2-assertion"),
    path("assertions/<uuid:uuid>/image.png", views_v2.assertion_png, name="ob2-assertion-png"),
    path("assertions/<uuid:uuid>/image.svg", views_v2.assertion_svg, name="ob2-assertion-svg"),
]
