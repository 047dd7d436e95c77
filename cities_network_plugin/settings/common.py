"""
Defaults for every ``CITIES_NETWORK_*`` setting, applied to the LMS and Studio settings modules.

A default is only written where the operator has not set the value already: Open edX applies plugin
settings after its own, so clobbering here would silently undo an operator's configuration.
"""
from typing import Any

DEFAULTS: dict[str, Any] = {
    # .. setting_name: CITIES_NETWORK_NAME
    # .. setting_default: "Cities of Learning Network"
    # .. setting_description: Name of the network itself, shown as a badge issuer, in emails and on pages.
    "CITIES_NETWORK_NAME": "Cities of Learning Network",
    # .. setting_name: CITIES_NETWORK_CONTACT_EMAIL
    # .. setting_default: "info@learningcities.net"
    # .. setting_description: Address of the network's managers: the sender and recipient of network emails.
    "CITIES_NETWORK_CONTACT_EMAIL": "info@learningcities.net",
    # .. setting_name: CITIES_NETWORK_PLATFORM_BACKEND
    # .. setting_default: "cities_network_plugin.compat.EdxPlatformBackend"
    # .. setting_description: Dotted path of the class through which the plugin reads edx-platform data
    #   (courses, enrollments, grades, certificates, course roles). Test hosts and the demo name a stand-in.
    # .. setting_warning: Change it only outside edx-platform; inside the platform the default is the right one.
    "CITIES_NETWORK_PLATFORM_BACKEND": "cities_network_plugin.compat.EdxPlatformBackend",
    # .. setting_name: CITIES_NETWORK_COURSE_TAB_ALWAYS
    # .. setting_default: False
    # .. setting_description: Show the "Badges" course tab in every course to its enrolled learners and staff.
    #   Off: only in courses that count towards an active badge (passing it, its certificate, attending its
    #   opportunity, or a playlist holding it), the courses whose badges page has something to show.
    "CITIES_NETWORK_COURSE_TAB_ALWAYS": False,
    # .. setting_name: CITIES_NETWORK_API_PAGE_SIZE
    # .. setting_default: 50
    # .. setting_description: Default page size of the REST API's lists (callers may ask up to 200 with
    #   ``?page_size=``).
    "CITIES_NETWORK_API_PAGE_SIZE": 50,
    # .. setting_name: CITIES_NETWORK_ONBOARDING_MIN_OPPORTUNITIES
    # .. setting_default: 3
    # .. setting_description: How many published learning opportunities complete the onboarding step
    #   "Create learning opportunities".
    "CITIES_NETWORK_ONBOARDING_MIN_OPPORTUNITIES": 3,
    # .. setting_name: CITIES_NETWORK_ONBOARDING_CORE_TEAM_SIZE
    # .. setting_default: 3
    # .. setting_description: How many people (city admins and core-team members) complete "Form a core team".
    "CITIES_NETWORK_ONBOARDING_CORE_TEAM_SIZE": 3,
    # .. setting_name: CITIES_NETWORK_ONBOARDING_MIN_STAKEHOLDERS
    # .. setting_default: 2
    # .. setting_description: How many stakeholders, engaged or partners, complete "Engage stakeholders".
    "CITIES_NETWORK_ONBOARDING_MIN_STAKEHOLDERS": 2,
    # .. setting_name: CITIES_NETWORK_JOIN_RATE_LIMIT
    # .. setting_default: "5/h"
    # .. setting_description: How many express-interest forms one address may send, per second (s), minute
    #   (m), hour (h) or day (d), e.g. "5/h". The address is the client's as the platform takes it for its own
    #   rate limits (``edx_django_utils.ip``): behind a CDN, set the platform's ``CLOSEST_CLIENT_IP_FROM_HEADERS``.
    "CITIES_NETWORK_JOIN_RATE_LIMIT": "5/h",
    # .. setting_name: CITIES_NETWORK_BROKER_PAUSE_SECONDS
    # .. setting_default: 30
    # .. setting_description: After the Celery broker could not be reached, a process queues no task for this
    #   many seconds (the work waits in the inbox for the sweeper and the periodic jobs), so that requests do not
    #   each wait for Celery's connection retries during an outage. 0 tries the broker every time.
    "CITIES_NETWORK_BROKER_PAUSE_SECONDS": 30,
    # .. setting_name: CITIES_NETWORK_SWEEP_AFTER_MINUTES
    # .. setting_default: 10
    # .. setting_description: The sweeper re-drives learning events still waiting (or failed) this many minutes
    #   after they arrived; run ``cities_network_sweep`` or the ``sweep_inbox`` task periodically.
    "CITIES_NETWORK_SWEEP_AFTER_MINUTES": 10,
    # .. setting_name: CITIES_NETWORK_SWEEP_MAX_ATTEMPTS
    # .. setting_default: 20
    # .. setting_description: After this many failed attempts an event is left alone (its error stays on the
    #   inbox row in the admin for a person to look at).
    "CITIES_NETWORK_SWEEP_MAX_ATTEMPTS": 20,
    # .. setting_name: CITIES_NETWORK_INBOX_RETENTION_DAYS
    # .. setting_default: 90
    # .. setting_description: Learning events applied (or ignored) more than this many days ago are deleted from
    #   the inbox by ``cities_network_prune`` and the ``sweep_inbox`` task; waiting and failed ones are always
    #   kept. 0 keeps every event. Awards, standings and progress are not touched.
    "CITIES_NETWORK_INBOX_RETENTION_DAYS": 90,
    # .. setting_name: CITIES_NETWORK_WEBHOOK_LOG_RETENTION_DAYS
    # .. setting_default: 90
    # .. setting_description: Webhook deliveries delivered or given up more than this many days ago are deleted
    #   (with the learners' usernames their payloads hold) by ``cities_network_prune`` and the ``sweep_inbox``
    #   task; pending ones are always kept. 0 keeps every delivery.
    "CITIES_NETWORK_WEBHOOK_LOG_RETENTION_DAYS": 90,
    # .. setting_name: CITIES_NETWORK_CLAIM_RATE_LIMIT
    # .. setting_default: "10/15m"
    # .. setting_description: How many attendance claims (codes typed or QR links opened) one learner may send,
    #   e.g. "10/15m": ten every fifteen minutes. Stops guessing of codes.
    "CITIES_NETWORK_CLAIM_RATE_LIMIT": "10/15m",
    # .. setting_name: CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT
    # .. setting_default: "300/15m"
    # .. setting_description: How many attendance claims (codes typed or QR links opened) may come from one client
    #   address, whatever the accounts, e.g. "300/15m". Stops guessing of codes with many accounts; high enough for
    #   an event whose attendees all claim over the venue's Wi-Fi (one address, two requests each). The address is
    #   taken as for ``CITIES_NETWORK_JOIN_RATE_LIMIT``.
    "CITIES_NETWORK_CLAIM_ADDRESS_RATE_LIMIT": "300/15m",
    # .. setting_name: CITIES_NETWORK_PUBLIC_URL
    # .. setting_default: ""
    # .. setting_description: Base address of the LMS used in Open Badges documents (ids, verification links),
    #   e.g. "https://learn.example.org". Empty: the platform's ``LMS_ROOT_URL``.
    "CITIES_NETWORK_PUBLIC_URL": "",
    # .. setting_name: CITIES_NETWORK_ISSUER_URL
    # .. setting_default: ""
    # .. setting_description: The network's website in its Open Badges issuer profile. Empty: the plugin's
    #   pages on the LMS.
    "CITIES_NETWORK_ISSUER_URL": "",
    # .. setting_name: CITIES_NETWORK_LMS_BASE_TEMPLATE
    # .. setting_default: "main_django.html"
    # .. setting_description: The LMS's Django template that the learner pages (wallet, city, opportunity,
    #   playlist, claim, course badges, public award, join) extend, so that they show inside the LMS's own header
    #   (account menu, sign-out) and footer, in the site's theme; the pages fill its blocks ``title``,
    #   ``headextra``, ``bodyclass``, ``nav_skip`` and ``body``. Where the template does not exist (Studio, a
    #   host without edx-platform), or the setting is empty, the pages keep the plugin's own base with its own bar.
    #   Looked up once per process.
    "CITIES_NETWORK_LMS_BASE_TEMPLATE": "main_django.html",
    # .. setting_name: CITIES_NETWORK_WEBHOOKS_TIMEOUT
    # .. setting_default: 5
    # .. setting_description: Seconds a city's webhook endpoint has to accept the connection, and then to
    #   answer, before the attempt counts as failed (timeout) and is retried later.
    "CITIES_NETWORK_WEBHOOKS_TIMEOUT": 5,
    # .. setting_name: CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS
    # .. setting_default: 6
    # .. setting_description: Attempts to deliver one webhook notice, the first included; retries wait 1, 3, 9,
    #   27, 81 … minutes (at most six hours). After the last the delivery is marked failed in the city's log.
    "CITIES_NETWORK_WEBHOOKS_MAX_ATTEMPTS": 6,
    # .. setting_name: CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP
    # .. setting_default: False
    # .. setting_description: Accept webhook endpoints at http://127.0.0.1 and http://localhost, for tests and
    #   local development. Otherwise endpoints must be HTTPS addresses of public hosts.
    # .. setting_warning: Never turn it on in production: it lets city admins point webhooks at the server itself.
    "CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP": False,
    # .. setting_name: CITIES_NETWORK_WEBHOOKS_ALLOWED_PORTS
    # .. setting_default: [443]
    # .. setting_description: The ports a city's webhook endpoint may name, checked when it is registered and again
    #   before each delivery; an address without a port goes to 443. Widen it (e.g. [443, 8443]) only for ports
    #   where web servers of the cities answer: otherwise city admins could make the platform knock on other
    #   services of a host (SSH on 22, mail on 25). Loopback endpoints accepted under
    #   ``CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP`` may use any port.
    "CITIES_NETWORK_WEBHOOKS_ALLOWED_PORTS": [443],
    # .. setting_name: CITIES_NETWORK_KEY_ENCRYPTION_SECRET
    # .. setting_default: ""
    # .. setting_description: Secret from which the key that encrypts the issuers' private signing keys (Open
    #   Badges 3.0) in the database is derived (HKDF-SHA256, then AES-256-GCM). Without it (and without
    #   ``CITIES_NETWORK_KEY_FILES_DIR``) no signing key can be generated and no OB 3.0 credential is issued.
    # .. setting_warning: Set it in production to a long random value kept out of the database and of version
    #   control (e.g. in the platform's secret YAML), and never change it while keys exist: the stored private keys
    #   could no longer be decrypted, and every issuer would need new keys (``cities_network_keys rotate``).
    "CITIES_NETWORK_KEY_ENCRYPTION_SECRET": "",
    # .. setting_name: CITIES_NETWORK_KEY_FILES_DIR
    # .. setting_default: ""
    # .. setting_description: A directory where private signing keys are kept as PEM files (mode 0600), one per
    #   key, instead of encrypted in the database; for operators who keep secrets on a mounted volume. When set it
    #   takes precedence over ``CITIES_NETWORK_KEY_ENCRYPTION_SECRET`` for new keys.
    # .. setting_warning: The directory must be readable only by the LMS user and be backed up: a lost file is a
    #   lost key (its credentials still verify, but the issuer can no longer sign with it).
    "CITIES_NETWORK_KEY_FILES_DIR": "",
    # .. setting_name: CITIES_NETWORK_DEFAULT_KEY_ALGORITHM
    # .. setting_default: "EdDSA"
    # .. setting_description: Signature algorithm of the keys generated for issuers when none is asked for:
    #   "EdDSA" (Ed25519; also signs the ``eddsa-rdfc-2022`` proofs) or "RS256" (RSA 3072, the algorithm Open
    #   Badges 3.0 requires every verifier to support).
    "CITIES_NETWORK_DEFAULT_KEY_ALGORITHM": "EdDSA",
    # .. setting_name: CITIES_NETWORK_JSONLD_CONTEXTS_DIR
    # .. setting_default: ""
    # .. setting_description: A directory holding the JSON-LD contexts (VC 2.0, Open Badges 3.0, Multikey) that
    #   the ``eddsa-rdfc-2022`` proofs of OB 3.0 credentials are computed with. Contexts are never fetched while
    #   answering a request: fill the directory once with ``manage.py lms cities_network_contexts``. Empty: the
    #   JSON form with an embedded proof is unavailable (the signed VC-JWT form still is).
    "CITIES_NETWORK_JSONLD_CONTEXTS_DIR": "",
}


def apply_defaults(settings, defaults: dict[str, Any]) -> None:
    """Set each default on ``settings`` unless the operator already set it."""
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)


def plugin_settings(settings) -> None:
    """Apply the defaults; called by edx-django-utils for the ``common`` settings type."""
    apply_defaults(settings, DEFAULTS)
