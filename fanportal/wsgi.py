"""WSGI entry point (gunicorn fanportal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanportal.settings")

application = get_wsgi_application()
