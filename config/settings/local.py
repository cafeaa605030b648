"""Developer machines and `make demo`: debug on, plain static files."""

from .base import *

DEBUG = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
