"""
Imports every domain's Celery tasks. Open edX's Celery app autodiscovers ``<app>.tasks`` of each installed
app; this module is how the workers learn the tasks that live in the domains' own ``tasks`` modules.
"""
from .badges import tasks as badge_tasks
from .onboarding import tasks as onboarding_tasks
from .opportunities import tasks as opportunity_tasks
from .webhooks import tasks as webhook_tasks

__all__ = ["badge_tasks", "onboarding_tasks", "opportunity_tasks", "webhook_tasks"]
