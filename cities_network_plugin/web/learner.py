"""Learner pages of the LMS: a city's opportunities and playlists, and their detail pages (being written)."""
from django.http import Http404


def city_page(request, slug):
    raise Http404("Not yet")


def opportunity_page(request, uuid):
    raise Http404("Not yet")


def playlist_page(request, uuid):
    raise Http404("Not yet")
