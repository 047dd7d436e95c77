"""
Feature toggles of the plugin (edx-toggles), each annotated for the toggles reference.

Setting toggles are read from Django settings, so operators switch them in their YAML configuration.
"""
from edx_toggles.toggles import SettingToggle

# .. toggle_name: CITIES_NETWORK_ONBOARDING_EMAILS
# .. toggle_implementation: SettingToggle
# .. toggle_default: True
# .. toggle_description: Sends an email to a city's admins and to the network managers when the city reaches a
#   new onboarding stage, and to the network managers when a city expresses interest through the join form.
# .. toggle_use_cases: open_edx
# .. toggle_creation_date: 2026-11-28
ONBOARDING_EMAILS = SettingToggle("CITIES_NETWORK_ONBOARDING_EMAILS", default=True, module_name=__name__)

# .. toggle_name: CITIES_NETWORK_BADGES_ENABLED
# .. toggle_implementation: SettingToggle
# .. toggle_default: True
# .. toggle_description: Receives the platform's learning events (course passing status, certificates) and awards
#   badges from them. When off, the receivers drop the events at once (nothing is written or queued).
# .. toggle_use_cases: open_edx, circuit_breaker
# .. toggle_creation_date: 2026-11-28
BADGES_ENABLED = SettingToggle("CITIES_NETWORK_BADGES_ENABLED", default=True, module_name=__name__)

# .. toggle_name: CITIES_NETWORK_AWARD_EMAILS
# .. toggle_implementation: SettingToggle
# .. toggle_default: True
# .. toggle_description: Emails a learner when they earn a badge, with links to their wallet and to the badge's
#   public verification page.
# .. toggle_use_cases: open_edx
# .. toggle_creation_date: 2026-11-28
AWARD_EMAILS = SettingToggle("CITIES_NETWORK_AWARD_EMAILS", default=True, module_name=__name__)
