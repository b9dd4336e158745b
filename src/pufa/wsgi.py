"""WSGI entry point for any WSGI server (gunicorn, uwsgi) in the scale-out deployment."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings")
application = get_wsgi_application()
