"""Management commands of the plugin, all named ``cities_network_<verb>``."""
