"""Imports every domain's models so that Django finds them under the ``cities_network_plugin`` label."""
from .badges.models import (  # noqa: F401
    Award,
    BadgeClass,
    BadgeProgress,
    CourseStanding,
    LearnerEvent,
    Requirement,
    RequirementGroup,
)
from .onboarding.models import (  # noqa: F401
    CityOnboarding,
    CityStepProgress,
    CommunityCall,
    CommunityCallAttendance,
    ImpactReview,
    IntroductoryMeeting,
    OnboardingStage,
    OnboardingStep,
    StepProgressHistory,
)
from .openbadges.models import CredentialStatus, IssuerProfile, SigningKey, StatusList  # noqa: F401
from .opportunities.models import (  # noqa: F401
    ClaimCode,
    Opportunity,
    OpportunityCompletion,
    Playlist,
    PlaylistItem,
    PlaylistProgress,
)
from .reporting.models import AwardMonthTally, LearnerReach, ReachCount, Report, SummaryState  # noqa: F401
from .tenancy.models import City, CityOrganization, CityRole, NetworkManager, Stakeholder  # noqa: F401
from .webhooks.models import CityWebhook, WebhookDelivery  # noqa: F401
