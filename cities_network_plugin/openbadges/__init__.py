"""Open Badges 2.0 (hosted JSON-LD, baked images) and 3.0 (signed verifiable credentials) for our awards."""
