"""Badges: classes and their requirements, the event pipeline that awards them, awards and revocation."""
