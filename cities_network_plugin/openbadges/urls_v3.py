"""Open Badges 3.0 URLs (signed credentials, keys, status lists); the paths are the public contract of DESIGN §2."""
from django.urls import path

from . import views_v3

urlpatterns = [
    path("credentials/<uuid:uuid>", views_v3.credential, name="ob3-credential"),
    path("credentials/<uuid:uuid>/image.png", views_v3.credential_image, name="ob3-credential-png"),
    path("issuers/<slug:slug>", views_v3.issuer, name="ob3-issuer"),
    path("issuers/<slug:slug>/jwks.json", views_v3.jwks, name="ob3-jwks"),
    path("issuers/<slug:slug>/keys/<slug:kid>", views_v3.verification_method, name="ob3-key"),
    path("status/<slug:slug>", views_v3.status_list, name="ob3-status-list"),
]
