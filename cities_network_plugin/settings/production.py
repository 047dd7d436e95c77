"""
Production settings: the operator's YAML configuration may set any ``CITIES_NETWORK_*`` value.

Recent edx-platform releases load the YAML file straight into the settings module (so ``common`` already
sees those values); older ones expose it as ``ENV_TOKENS``, which is read here.
"""
from .common import plugin_settings as common_settings


def plugin_settings(settings) -> None:
    """Apply the defaults, then any ``CITIES_NETWORK_*`` value from the operator's ``ENV_TOKENS``."""
    common_settings(settings)
    env_tokens = getattr(settings, "ENV_TOKENS", None) or {}
    for name, value in env_tokens.items():
        if name.startswith("CITIES_NETWORK_"):
            setattr(settings, name, value)
