"""Settings shared by every environment; everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import environment

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# Only good for a laptop demo; production.py refuses to start without a real one.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-5f1c9e2b7a")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = environment.databases(os.environ, default_url=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# Reports, dashboards and lists may read the replica (DATABASE_REPLICA_URL); everything else reads the primary.
DATABASE_ROUTERS = ["khuyencong.core.db.PrimaryReplicaRouter"]
# After a write, the browser reads the primary this long, well beyond the replica's lag (docs/deployment.md).
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "khuyencong.core.third_party.AxesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "khuyencong.core.third_party.TasksDatabaseConfig",
    "khuyencong.core",
    "khuyencong.geography",
    "khuyencong.organizations",
    "khuyencong.accounts",
    "khuyencong.facilities",
    "khuyencong.audit",
    "khuyencong.programs",
    "khuyencong.projects",
    "khuyencong.consulting",
    "khuyencong.exchange",
    "khuyencong.reports",
    "khuyencong.reporting",
    "khuyencong.products",
    "khuyencong.dossiers",
    "khuyencong.api",
    "khuyencong.web",
    "khuyencong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the session middleware, so that a session saved on the way out counts as a write.
    "khuyencong.core.db.ReadYourWritesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the language is the user's choice (core/language.py), not the browser's.
    "khuyencong.core.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "khuyencong.web.middleware.MethodNotAllowedPageMiddleware",
    # Inside the language middleware: a request that met another transaction is refused in the reader's language.
    "khuyencong.web.middleware.ConflictMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires, so that it sees the authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khuyencong.reporting.context.notifications",
                "khuyencong.accounts.context.capabilities",
            ],
            "builtins": ["khuyencong.core.templatetags.vn"],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A refused form (CSRF) answers with the pages' Vietnamese 403, not Django's English one.
CSRF_FAILURE_VIEW = "khuyencong.web.views.csrf_failure"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Login rate limit: after 5 failures for the same username from the same address, that pair waits an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# API clients present a token (issued by `manage.py kc_api_token`), never a password: token authentication does not
# call authenticate(), so it neither passes through nor weakens the axes login rate limit. Sessions let a signed-in
# user try the API in the browser (with CSRF protection).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "khuyencong.api.authentication.LanguageTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "khuyencong.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "khuyencong.api.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Khuyến công API",
    "DESCRIPTION": "Cơ sở dữ liệu khuyến công: tổ chức, địa giới, cơ sở, kế hoạch, đề án, thanh toán, kết quả.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from the drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "khuyencong.organizations.models.OrganizationKind",
        "UnitKindEnum": "khuyencong.geography.models.Kind",
        "ProjectKindEnum": "khuyencong.projects.models.ProjectKind",
        "RoundLevelEnum": "khuyencong.products.rules.RoundLevel",
        "PaymentKindEnum": "khuyencong.projects.models.PaymentKind",
        "BudgetKindEnum": "khuyencong.programs.models.BudgetKind",
        "StateEnum": "khuyencong.projects.workflow.State",
        "ActionEnum": "khuyencong.projects.workflow.Action",
        "SubmissionStateEnum": "khuyencong.reporting.rules.SubmissionState",
        "SubmissionActionEnum": "khuyencong.reporting.models.SubmissionAction",
        "CalendarStatusEnum": "khuyencong.reporting.rules.CALENDAR_STATUS_CHOICES",
    },
}

# Large uploads are read by a worker (`manage.py db_worker`, started by `make run`), not in the web request. Tasks
# are rows in our own database: no broker to run, the same on SQLite and PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# An import's progress cannot live in the database: the import holds one transaction until its last row (all or
# nothing), so a row updated inside it stays invisible to the progress page. A cache shared by the web servers and
# the workers carries it: a file cache on one machine, Redis (CACHE_URL or PROGRESS_CACHE_URL) for several.
CACHES = environment.caches(
    os.environ,
    progress_dir=os.environ.get("PROGRESS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "khuyencong-progress")),
)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's vi locale has no number grouping; ours adds it (see khuyencong/core/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["khuyencong.core.formats"]
USE_THOUSAND_SEPARATOR = True
# Each app keeps its English catalogue in its own locale/ folder (khuyencong/core/catalogues.py). The project's
# locale/ holds only Vietnamese for other packages' English on the administration pages (Django admin, django-axes,
# DRF tokens, django-tasks): listed here because LOCALE_PATHS is read before the packages' own catalogues.
LOCALE_PATHS: list[Path] = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded documents and import files: MEDIA_ROOT (shared storage when there are several servers) or an
# S3-compatible bucket (MEDIA_S3_BUCKET). Code reads them through the storage API only, never by local path.
STORAGES = {
    "default": environment.media_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every layout step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools")},
}

# E-mail (reminders of the reporting regime): printed on the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") in ("1", "true", "yes")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "khuyencong@localhost")
# The address links in e-mails point to.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
