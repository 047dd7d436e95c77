"""
The demo network seeded by ``cities_network_demo``: one module per domain, each idempotent.

Everything goes through the domains' own functions (and, for learners' completions, the real event pipeline),
so the demo shows what the product does, not what a fixture says.
"""
