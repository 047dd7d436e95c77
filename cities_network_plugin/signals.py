"""
Connects every domain's receivers; imported by ``CitiesNetworkPluginConfig.ready``.

Receivers are connected here rather than through the plugin API's ``signals_config`` so that they are active
in every process that loads the app (LMS, Studio, Celery workers, the demo, tests).
"""
from .badges import receivers as badge_receivers
from .onboarding import receivers as onboarding_receivers
from .openbadges import receivers as openbadges_receivers
from .opportunities import receivers as opportunity_receivers
from .reporting import receivers as reporting_receivers

__all__ = ["badge_receivers", "onboarding_receivers", "openbadges_receivers", "opportunity_receivers",
           "reporting_receivers"]
