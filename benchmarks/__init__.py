"""The benchmark of ``make bench``: ``python -m benchmarks.run`` (see docs/performance.md)."""
