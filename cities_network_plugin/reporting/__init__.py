"""Network reporting: figures over every city for network managers (admin page with charts, API, command)."""
