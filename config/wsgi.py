"""
WSGI entry point for production servers.

`granian --interface wsgi config.wsgi:application` or `gunicorn config.wsgi`.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

from config.serving import idle_request_receivers_disconnect, whole_bodies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Whole bodies for the server (config/serving.py).
application = whole_bodies(get_wsgi_application())

# Stop the per-request receivers that have nothing to do in this process.
idle_request_receivers_disconnect()

# What is loaded by now (Django, the apps, their modules) lives as long as
# the process: leave it out of garbage collection. Otherwise every full
# collection walks it all again, pausing the worker for about 50 ms
# (bench/README.md).
gc.freeze()
