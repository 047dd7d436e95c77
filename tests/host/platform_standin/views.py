"""
Stand-in of the LMS's logout view (edx-platform ``openedx/core/djangoapps/user_authn/views/logout.py``): the header's
"Sign Out" is a plain link, and the platform's ``LogoutView`` logs out on any method, then redirects to
``redirect_url`` when it is safe (same host), else to its default target. Django's own ``LogoutView`` accepts only
POST since Django 5.0, so the link would fail there. The platform's default target is ``/``; this host has no
home page, so its sign-in page.
"""
from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def logout_view(request):
    logout(request)
    target = request.GET.get("redirect_url", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = resolve_url(settings.LOGIN_URL)
    return redirect(target)
