"""Settings, read from the environment (12-factor) with safe defaults for the demo.

Every variable is documented in the README. Nothing here talks to the network.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A variable, or the content of the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    return env(name, "true" if default else "false").strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("SOLIDARITY_DATA_DIR", str(BASE_DIR / "var")))
# SQLite cannot create the folder its file lives in; a fresh checkout has none.
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = envbool("DEBUG", False)
# The demo key is only good on loopback; the `solidarity.E001` check refuses it in production.
DEMO_SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", DEMO_SECRET_KEY)
PRODUCTION = envbool("SOLIDARITY_PRODUCTION", False)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # must precede admin so translated fields appear there
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "solidarity.core",
    "solidarity.cases",
    "solidarity.publications",
    "solidarity.campaigns",
    "solidarity.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "solidarity.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "solidarity.urls"
WSGI_APPLICATION = "solidarity.wsgi.application"

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
                "solidarity.core.context_processors.site",
            ],
        },
    },
]

# SQLite (WAL, see solidarity.core.apps) unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'solidarity.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", "") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache keeps every server process's page cache coherent (see core.page_cache).
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("be", _("Belarusian")),
    ("ru", _("Russian")),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "ru", "be")
LOCALE_PATHS = [BASE_DIR / "solidarity" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if envbool("SOLIDARITY_PLAIN_STATIC", False):  # tests run without collectstatic
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "solidarity.core.fonts.FontFinder",
]

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "solidarity@localhost")

# Fernet keys for secrets at rest (supporters' tokens, client secrets, DPoP keys), newest first,
# separated by commas or new lines. Unset in the demo, where solidarity.core.secrets derives one
# from SECRET_KEY; the `solidarity.E011` deploy check refuses that in production.
SOLIDARITY_SECRET_KEYS = env("SOLIDARITY_SECRET_KEYS", "").replace(",", " ").split()
# Test-only: lets supporters' server addresses resolve to loopback (127.0.0.0/8, ::1) so the
# integration tests can run local servers. Refused by the `solidarity.E012` deploy check.
SOLIDARITY_ALLOW_LOOPBACK_SERVERS = envbool("SOLIDARITY_ALLOW_LOOPBACK_SERVERS", False)

# The Bluesky AppView that supporters' own servers forward our follower-count question to
# (atproto service proxying, "DID#service"). Empty: reach is not counted on Bluesky.
SOLIDARITY_BLUESKY_APPVIEW = env("SOLIDARITY_BLUESKY_APPVIEW", "did:web:api.bsky.app#bsky_appview")

# Who runs Thunderclap moments: "embedded" (the built-in worker beside the web server, no
# broker) or "celery" (workers on a broker, see solidarity/celery.py). Without a broker Celery
# is never used, whatever SOLIDARITY_EXECUTOR says, so a moment always has a worker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
SOLIDARITY_EXECUTOR = env("SOLIDARITY_EXECUTOR", "celery" if CELERY_BROKER_URL else "embedded")
# Embedded mode: how many processes send a moment, each to its own share of the hosts. One
# process is CPU-bound at T (benchmarks/README.md); one per core uses the machine, up to four
# by default, as each costs about 80 MB before it holds anything.
SOLIDARITY_SENDERS = max(envint("SOLIDARITY_SENDERS", min(os.cpu_count() or 1, 4)), 1)
if not CELERY_BROKER_URL:
    SOLIDARITY_EXECUTOR = "embedded"
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a moment is long: don't hoard the next one
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "solidarity")
CELERY_BEAT_SCHEDULE = {
    "thunderclaps-tick": {"task": "solidarity.campaigns.tasks.tick", "schedule": 1.0},
}
# tick enqueues a due moment at most this often; several workers may run one moment at once.
SOLIDARITY_MOMENT_ENQUEUE_EVERY = envint("SOLIDARITY_MOMENT_ENQUEUE_EVERY", 30)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Solidarity read API",
    "DESCRIPTION": "Public data on detained human-rights defenders and publications about them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Publications and decisions both have a "kind": name the enums apart.
    "ENUM_NAME_OVERRIDES": {
        "PublicationKindEnum": ["statement", "news", "call", "letter", "press_release"],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
