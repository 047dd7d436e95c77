"""
Outgoing webhooks: a city's own systems (its platform, a CRM) hear of badge awards and revocations.

``api`` registers endpoints and records notices, ``tasks`` delivers them over HTTPS; a failing endpoint never
delays or blocks the award that caused the notice.
"""
