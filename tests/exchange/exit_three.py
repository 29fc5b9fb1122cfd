"""Stands in for the sync's checking process in a test: exits at once with status 3, reading nothing."""

import os

os._exit(3)
