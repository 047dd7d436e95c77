"""
The language to write to someone in. Emails go out from Celery workers, whose language is the site's, not the
reader's: each email is rendered in the language its recipient chose on the platform (their ``pref-lang``
preference, read through ``compat``), when the site offers it; otherwise in the site's ``LANGUAGE_CODE``.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation

from . import compat

log = logging.getLogger(__name__)


def language_for(user) -> str:
    """The language code to write to ``user`` in (None: someone without an account, e.g. the contact address)."""
    chosen = None
    if user is not None:
        try:
            chosen = compat.user_language(user)
        except Exception:  # pylint: disable=broad-except
            # The platform's preference store failing must not stop the email: it goes out in the site's language.
            log.warning("cities_network: the language of user %s could not be read", user.pk, exc_info=True)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE
