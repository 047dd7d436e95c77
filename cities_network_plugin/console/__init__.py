"""
The city console in Studio (``/cities-network/console/``): server-rendered pages where a city's team runs its
onboarding, opportunities, playlists, badges, attendance, team and stakeholders, and where a course's cities
are set. Views only call domain functions; every page is scoped to a city through ``tenancy.permissions``.
"""
