#!/usr/bin/env python
"""Django's command-line utility for the demo and test hosts (defaults to the demo LMS)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.demo_settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
