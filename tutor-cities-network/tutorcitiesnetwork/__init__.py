"""Tutor plugin that installs and configures cities-network-plugin (the Cities of Learning Network) in Open edX."""

# Released together with cities-network-plugin, with the same version number: the default
# CITIES_NETWORK_PIP_SPEC installs the plugin release this Tutor plugin was made for.
__version__ = "0.1.0"
