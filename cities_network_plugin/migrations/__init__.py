"""Database migrations of the plugin."""
