"""Onboarding: each city's progress through the network's five-stage joining journey."""
