"""pufa settings: one module, everything from the environment.

The embedded default (SQLite under var/, database task queue, one process) works with no variable set.
Scale-out (PostgreSQL, Redis task queue, HTTPS behind a proxy) is switched on by variables, never by
another settings module. Every variable is documented in docs/deploy.md.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PUFA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; a typo must fail loudly rather than silently mean 'no'."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("PUFA_DEBUG", False)

# The repository's key, for a demo on 127.0.0.1 only; `pufa check --deploy` fails while it is in use.
PUFA_DEV_SECRET_KEY = "pufa-insecure-development-key-set-PUFA_SECRET_KEY-in-production"  # noqa: S105
# Fail closed: a deployment that forgets PUFA_SECRET_KEY must not start with a key anyone can read. Only an
# explicit PUFA_INSECURE_DEV_KEY=1 (set by `make demo` and by the test run) accepts the repository's key.
SECRET_KEY = os.environ.get("PUFA_SECRET_KEY", "")
if not SECRET_KEY:
    if not env_bool("PUFA_INSECURE_DEV_KEY", False):
        raise ImproperlyConfigured(
            "PUFA_SECRET_KEY is not set. Set it to a long random value, e.g. the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` (docs/deploy.md); "
            "for a local demo on 127.0.0.1 only, set PUFA_INSECURE_DEV_KEY=1 instead."
        )
    SECRET_KEY = PUFA_DEV_SECRET_KEY

# Keys the digests of ID card numbers on the rosters (pufa.people.identity); changing it makes stored digests
# unmatchable, so set it once per deployment and keep it apart from the database backups.
PUFA_FIELD_KEY = os.environ.get("PUFA_FIELD_KEY", "")
if not PUFA_FIELD_KEY:
    # Derived from the secret key (which itself fails closed): a deployment gets a key of its own without a
    # second variable. Set PUFA_FIELD_KEY to rotate the secret key without losing the roster digests.
    PUFA_FIELD_KEY = hmac.new(SECRET_KEY.encode(), b"pufa.people.identity", hashlib.sha256).hexdigest()

# The test client's "testserver" is added by the test run itself (Django's setup_test_environment).
ALLOWED_HOSTS = env_list("PUFA_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("PUFA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_filters",
    "ninja",  # django-ninja: its Swagger UI files are served locally (static/ninja/), never from a CDN
    "pufa.core",
    "pufa.org",
    "pufa.plans",
    "pufa.ledger",
    "pufa.duties",
    "pufa.people",
    "pufa.venues",
    "pufa.creation",
    "pufa.cases",
    "pufa.exams",
    "pufa.progress",
    "pufa.surveys",
    "pufa.demand",
    "pufa.assessment",
    "pufa.reports",
    "pufa.portal",
    "pufa.api",
    "pufa.demo",
    "pufa.wiring.WiringConfig",  # last: connects the event bus once every app is ready
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: one language (LANGUAGES), which Django uses when none is activated; the middleware
    # chose it again from each request's Accept-Language (0.04 ms a request). Add it back with a second language.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pufa.core.middleware.SessionRefreshMiddleware",
    "pufa.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pufa.core.middleware.CSPMiddleware",  # django-csp's, its header built once
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "pufa.core.middleware.DatabaseUnavailableMiddleware",  # last: its process_exception sees the view's first
]

ROOT_URLCONF = "pufa.urls"
WSGI_APPLICATION = "pufa.wsgi.application"

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
                "csp.context_processors.nonce",
                "pufa.org.context_processors.navigation",
                "pufa.core.context_processors.notifications",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# Database: SQLite file under var/ by default; PostgreSQL by PUFA_DATABASE_URL=postgres://…
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("PUFA_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'pufa.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("PUFA_DB_CONN_MAX_AGE", 0))}
except ValueError as exc:
    raise ImproperlyConfigured(f"PUFA_DATABASE_URL is not a database URL: {exc}") from exc
# A kept connection is checked before a request reuses it, so a restarted database server costs the requests
# in flight when it went down, not one failed request per app-server thread afterwards.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles any query its planner costs above `jit_above_cost`, and pufa's
    # costliest reads are short scope scans whose estimates run high (a district's title search: 18 ms of
    # compiling for a 100 ms read, on every request). pufa runs no long analytical queries that JIT would pay for.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# 等保 2.0 identity rules: length, complexity, no reuse of personal data, no common passwords; Chinese messages.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "pufa.org.validators.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "phone", "email")},
    },
    {"NAME": "pufa.org.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "pufa.org.validators.CommonPasswordValidator"},
    {"NAME": "pufa.org.validators.NumericPasswordValidator"},
    {"NAME": "pufa.org.validators.CharacterClassValidator"},
    {"NAME": "pufa.org.validators.DistinctCharactersValidator", "OPTIONS": {"min_distinct": 6}},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Reverse proxies in front of pufa (each appends to X-Forwarded-For): the client address is read through them.
PUFA_PROXY_COUNT = env_int("PUFA_PROXY_COUNT", 0)
if PUFA_PROXY_COUNT < 0:
    raise ImproperlyConfigured("PUFA_PROXY_COUNT must be 0 or more")

# Lockout after repeated failures (django-axes): per account *and* address, so failures from one address do not
# lock the account for its owner elsewhere; released after a cool-off.
AXES_FAILURE_LIMIT = env_int("PUFA_LOGIN_FAILURE_LIMIT", 5)
#: Survey answers accepted per client address per hour (a community centre after an activity shares one address).
PUFA_SURVEY_SUBMIT_LIMIT = env_int("PUFA_SURVEY_SUBMIT_LIMIT", 120)
#: 点单 (orders from the public 普法菜单) accepted per client address per hour, and the days a unit has to accept
#: an order routed to it and to deliver it once accepted (or by the date the orderer wished, if later).
PUFA_MENU_ORDER_LIMIT = env_int("PUFA_MENU_ORDER_LIMIT", 10)
PUFA_MENU_ACCEPT_DAYS = env_int("PUFA_MENU_ACCEPT_DAYS", 3)
PUFA_MENU_DELIVER_DAYS = env_int("PUFA_MENU_DELIVER_DAYS", 30)
AXES_COOLOFF_TIME = env_int("PUFA_LOGIN_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "pufa.core.client_ip.client_ip"

# Idle timeout: the session expires after PUFA_SESSION_IDLE_MINUTES without a request. It is refreshed at most
# once a minute (core.middleware.SessionRefreshMiddleware), not written on every request.
SESSION_COOKIE_AGE = env_int("PUFA_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
PUFA_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# HTTPS behind a proxy: secure cookies and HSTS only when the site is really served over HTTPS.
HTTPS = env_bool("PUFA_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("PUFA_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("PUFA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# Content security policy: nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = os.environ.get("PUFA_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("PUFA_MEDIA_ROOT", VAR_DIR / "media"))
# Uploads are private: there is no MEDIA_URL route; files are served by views that check access.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PUFA_UPLOAD_MAX_MB = env_int("PUFA_UPLOAD_MAX_MB", 50)  # one file
PUFA_UPLOAD_MAX_FILES = env_int("PUFA_UPLOAD_MAX_FILES", 20)  # files in one request
PUFA_UPLOAD_MAX_TOTAL_MB = env_int("PUFA_UPLOAD_MAX_TOTAL_MB", 200)  # all files of one request
# Django refuses a request with more files outright (a 400, before any form can explain in Chinese).
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * PUFA_UPLOAD_MAX_FILES

# The data interface (/api/): requests per minute per token (per user for a browser session).
PUFA_API_RATE = env_int("PUFA_API_RATE", 600)
if PUFA_API_RATE < 1:
    raise ImproperlyConfigured("PUFA_API_RATE must be 1 or more")

# Anonymous feedback (意见建议) per client address and hour.
PUFA_FEEDBACK_PER_HOUR = env_int("PUFA_FEEDBACK_PER_HOUR", 10)

# The site's address, for links in files made outside a request (`pufa report-generate`): a relative link
# is dead in Excel. Requests use their own address.
PUFA_BASE_URL = os.environ.get("PUFA_BASE_URL", "").rstrip("/")
if PUFA_BASE_URL and not PUFA_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("PUFA_BASE_URL must start with http:// or https://")
PUFA_RETENTION_DAYS = env_int("PUFA_RETENTION_DAYS", 180)  # deleted records restorable, then files purged

# Cache: local memory in one process; Redis when several app servers share the figures.
REDIS_URL = os.environ.get("PUFA_REDIS_URL", "")
if REDIS_URL:
    # Django's Redis backend, reading a Redis that is away as a miss instead of failing the request (nothing in
    # the cache is the only copy; pufa.core.cache); connecting gives up after a second.
    CACHES = {
        "default": {
            "BACKEND": "pufa.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # Sessions read from Redis, written through to the database: any app server finds a session in one cache
    # read, and a Redis restart (or eviction) logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work through the django-tasks API (Django 6's django.tasks, backported).
TASKS_BACKEND = os.environ.get("PUFA_TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"PUFA_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}")
if TASKS_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("PUFA_TASKS_BACKEND=rq needs PUFA_REDIS_URL")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # django-tasks-rq's jobs run only with its job class; without this `pufa rqworker` fails every task
    # ("'Task' object is not callable").
    # pufa's queue and worker (pufa.core.taskqueue): a task whose worker dies is run again within two minutes.
    RQ = {
        "JOB_CLASS": "django_tasks_rq.Job",
        "QUEUE_CLASS": "pufa.core.taskqueue.Queue",
        "WORKER_CLASS": "pufa.core.taskqueue.Worker",
    }

EMAIL_BACKEND = os.environ.get("PUFA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("PUFA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PUFA_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("PUFA_EMAIL_FROM", "pufa@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PUFA_LOG_LEVEL", "WARNING")},
}
