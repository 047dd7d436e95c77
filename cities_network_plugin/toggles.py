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
