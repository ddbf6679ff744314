import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; the live server of browser tests serves app static files directly.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
AXES_FAILURE_LIMIT = 5
# No collectstatic in tests: the browser tests' live server serves app static files through the finders.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Tasks run in the test's own process and transaction; one test drives the database backend and its worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Uploads a test stores go to a directory of this process, removed at exit: never into the checkout's media/, and no
# two xdist workers write the same files.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="khuyencong-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
