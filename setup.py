"""Packaging for cities-network-plugin, an Open edX plugin for the Cities of Learning Network."""
import os
import re

from setuptools import find_packages, setup

HERE = os.path.abspath(os.path.dirname(__file__))


def get_version(*file_paths):
    """Read ``__version__`` from the package without importing it (Django may not be installed yet)."""
    with open(os.path.join(HERE, *file_paths), encoding="utf-8") as handle:
        match = re.search(r'^__version__ = ["\']([^"\']*)["\']', handle.read(), re.M)
    if not match:
        raise RuntimeError("Unable to find version string.")
    return match.group(1)


def load_requirements(*requirements_paths):
    """
    Load the loose requirements from ``.in`` files, the way Open edX repositories do.

    The pinned ``.txt`` files are for our own test environments; an installed plugin must accept whatever
    versions the host platform already pins, so ``install_requires`` carries ranges only.
    """
    requirements = []
    for path in requirements_paths:
        with open(os.path.join(HERE, path), encoding="utf-8") as handle:
            for line in handle:
                line = line.split("#", 1)[0].strip()
                if line and not line.startswith("-"):
                    requirements.append(line)
    return requirements


with open(os.path.join(HERE, "README.md"), encoding="utf-8") as readme:
    LONG_DESCRIPTION = readme.read()

setup(
    name="cities-network-plugin",
    version=get_version("cities_network_plugin", "__init__.py"),
    description="Open edX plugin for the Cities of Learning Network: city tenancy, onboarding, "
                "learning opportunities and Open Badges.",
    long_description=LONG_DESCRIPTION,
    long_description_content_type="text/markdown",
    author="Cities of Learning Network",
    license="AGPL 3.0",
    packages=find_packages(include=["cities_network_plugin", "cities_network_plugin.*"]),
    include_package_data=True,
    python_requires=">=3.11",
    install_requires=load_requirements("requirements/base.in"),
    extras_require={
        "jwt": ["edx-drf-extensions"],
    },
    entry_points={
        "lms.djangoapp": [
            "cities_network_plugin = cities_network_plugin.apps:CitiesNetworkPluginConfig",
        ],
        "cms.djangoapp": [
            "cities_network_plugin = cities_network_plugin.apps:CitiesNetworkPluginConfig",
        ],
        "openedx.course_tab": [
            "cities_network_badges = cities_network_plugin.course_tab:CityBadgesTab",
        ],
    },
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Framework :: Django",
        "Framework :: Django :: 4.2",
        "Framework :: Django :: 5.2",
        "Intended Audience :: Education",
        "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
