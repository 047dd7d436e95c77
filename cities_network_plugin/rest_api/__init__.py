"""The plugin's REST API; each version lives in its own package."""
