"""Developer machines and `make demo`.

Debug is off unless asked for with DJANGO_DEBUG=true (base.py reads it): the demo is shown to ward staff and
町会 members, and Django's debug page would list every URL to anyone who guessed one. With debug off, runserver
no longer serves static files, so WhiteNoise (already in MIDDLEWARE) serves them straight from the apps'
static folders, rescanned on each request so an edited stylesheet shows without collectstatic or a restart."""

from .base import *

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
