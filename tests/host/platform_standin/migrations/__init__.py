"""Migrations of the platform stand-in."""
