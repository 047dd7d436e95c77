"""
The joining journey as the network describes it: five stages, twelve steps, in our own words.

This module is the source of the catalogue data migration and of ``cities_network_ensure_catalogue``; the
keys are a stable contract (the API and detectors use them). Network managers may edit titles and texts in
the admin afterwards; re-running the command only adds what is missing.

The texts are marked for translation (``gettext_noop``: stored in English, as written here) so that pages and
emails show them in the reader's language while they are unchanged; see ``OnboardingStep.shown_title``.
"""
from django.utils.translation import gettext_noop as _  # marks a text for extraction; returns it unchanged

STAGES = [
    ("initial-engagement", 1, _("Initial engagement"),
     _("The city and the network get to know each other.")),
    ("planning-and-preparation", 2, _("Planning and preparation"),
     _("The city studies its needs and decides what it wants to achieve.")),
    ("development-and-implementation", 3, _("Development and implementation"),
     _("The platform is set up, filled with learning opportunities and made known.")),
    ("building-your-network", 4, _("Building your network"),
     _("A team leads the initiative and local partners support it.")),
    ("ongoing-support-and-growth", 5, _("Ongoing support and growth"),
     _("The city keeps improving, takes part in the network and grows.")),
]

# (key, stage key, order, title, description, evidence expected, alternative to, recurrence days, detector)
STEPS = [
    ("express-interest", "initial-engagement", 1, _("Express interest"),
     _("Tell the network team that the city wants to join — by email or through a member city — with a short "
     "introduction of the organisation behind the initiative and what it hopes a City of Learning will do."),
     _("The date and channel of the first contact and the introduction that was sent."),
     None, None, ""),
    ("introductory-meeting", "initial-engagement", 2, _("Introductory meeting"),
     _("Meet a representative of the network's management to learn the benefits, expectations and process of "
     "membership, and to ask questions."),
     _("The meeting date and who took part (recorded as an introductory meeting)."),
     None, None, "introductory_meeting"),
    ("community-call", "initial-engagement", 3, _("Join a community call"),
     _("When an introductory meeting cannot be arranged, join the next online community call to meet member "
     "cities, ask them questions and see how they work."),
     _("The community call the city attended."),
     "introductory-meeting", None, "community_call"),
    ("needs-assessment", "planning-and-preparation", 1, _("Needs assessment"),
     _("Study the local situation: who the learners are, what they need, which opportunities exist and where a "
     "City of Learning can make the biggest difference."),
     _("The assessment, or a summary of its findings."),
     None, None, ""),
    ("set-objectives", "planning-and-preparation", 2, _("Set objectives"),
     _("Write down what the initiative should achieve and how success will be measured. Best done before the "
     "introductory meeting, so that the conversation starts from the city's own goals."),
     _("The objectives and how each will be measured."),
     None, None, ""),
    ("platform-setup", "development-and-implementation", 1, _("Set up the platform"),
     _("Set up the city's learning platform with the network team — directly or through a joint Erasmus+ "
     "partnership — to host learning opportunities, digital badges and community tools."),
     _("The platform's address. Detected when the city has an Open edX organisation or its own site."),
     None, None, "platform_setup"),
    ("learning-opportunities", "development-and-implementation", 2, _("Create learning opportunities"),
     _("Publish workshops, courses, events and activities that fit the city's objectives and are accessible and "
     "relevant to its learners."),
     _("Published learning opportunities. Detected when enough of them are published."),
     None, None, "learning_opportunities"),
    ("active-promotion", "development-and-implementation", 3, _("Promote actively"),
     _("Make the platform known through social media, local media and community networks, invite feedback, and "
     "share achievements and good practice with the network team for its channels and newsletter."),
     _("Links to campaigns, posts or articles, and what was shared with the network team."),
     None, None, ""),
    ("core-team", "building-your-network", 1, _("Form a core team"),
     _("Bring together a team that leads the initiative — coordinating activities, communication and progress — "
     "with varied skills and a good command of the platform, and grow it as the city grows."),
     _("The team members. Detected when the city's team reaches the set size."),
     None, None, "core_team"),
    ("stakeholders", "building-your-network", 2, _("Engage stakeholders"),
     _("Win the support of educational institutions, local government, businesses and community organisations, "
     "for funding and above all for recognising the platform and its badges."),
     _("The stakeholders and how each is engaged. Detected when enough of them are engaged."),
     None, None, "stakeholders"),
    ("continuous-improvement", "ongoing-support-and-growth", 1, _("Continuous improvement"),
     _("Review the initiative's impact regularly: gather feedback, analyse the data and adjust goals and "
     "partnerships."),
     _("An impact review within the last year."),
     None, 365, "impact_review"),
    ("network-participation", "ongoing-support-and-growth", 2, _("Take part in the international network"),
     _("Join the network's online and in-person events and channels, share good practice with the network team, "
     "and work with other members."),
     _("A community call attended within the last six months."),
     None, 180, "network_participation"),
    ("scale-and-expand", "ongoing-support-and-growth", 3, _("Scale and expand"),
     _("As the city grows, partner with new organisations, add learning opportunities and reach new communities, "
     "locally, nationally and internationally."),
     _("What was added or extended this year."),
     None, 365, ""),
]


def install(stage_model, step_model) -> int:
    """Create the stages and steps that do not exist yet; returns how many rows were added."""
    added = 0
    stages = {}
    for key, number, title, description in STAGES:
        stage, created = stage_model.objects.get_or_create(
            key=key, defaults={"number": number, "title": title, "description": description}
        )
        stages[key] = stage
        added += created
    steps = {}
    for key, stage_key, order, title, description, evidence, _alternative, recurrence, detector in STEPS:
        step, created = step_model.objects.get_or_create(
            key=key,
            defaults={
                "stage": stages[stage_key], "order": order, "title": title, "description": description,
                "evidence_expected": evidence, "recurrence_days": recurrence, "detector": detector,
            },
        )
        steps[key] = step
        added += created
    for key, *_rest, alternative, _recurrence, _detector in STEPS:
        if alternative and steps[key].alternative_to_id is None:
            steps[key].alternative_to = steps[alternative]
            steps[key].save(update_fields=["alternative_to"])
    return added
