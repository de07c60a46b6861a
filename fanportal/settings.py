"""Settings for the fan portal.

One file for every environment: production behaviour is switched by environment variables
(listed in the README), never by a second settings module.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(for local work, set DJANGO_DEBUG=1; `make run` does)."
        )
    SECRET_KEY = "insecure-development-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ninja",
    "axes",
    "django_tasks_db",
    "fanportal",
    "pagecache",
    "revisions",
    "tokens",
    "players",
    "trophies",
    "matches",
    "articles",
]

# Background work (relinking articles after a name changes) goes through django.tasks, kept in
# the site's own database and run by `manage.py db_worker`, which `make run` and `make serve`
# start with the server. Tests run tasks at once instead (tests/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    # First: a cached page is served without the rest (it keeps the headers they gave it).
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fanportal.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fanportal.urls"
WSGI_APPLICATION = "fanportal.wsgi.application"

# Two engines, told apart by folder: the public site's templates (jinja2/) are Jinja2, for
# speed (the README says why; fanportal/jinja2.py); the admin's, and the admin pages of our
# apps (<app>/templates/admin/), are Django's.
CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.csp",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "fanportal.context_processors.club",
    "fanportal.context_processors.links",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "fanportal.jinja2.environment",
            "context_processors": CONTEXT_PROCESSORS,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers queue on the busy timeout instead of failing with
    # "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and changed passwords use it; older hashes still verify and upgrade.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# django-axes: five failed logins for one username from one address lock that pair out for
# fifteen minutes; the login page says so instead of trying the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("FANPORTAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}
if REDIS_URL:
    # Cached pages are kept in each process as well, in front of Redis (pagecache.middleware).
    CACHES["pagecache-local"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 500},  # about 10 MB of pages
    }
# Anonymous pages and API reads are cached whole (pagecache); FANPORTAL_PAGE_CACHE=0 turns
# that off. With Redis, sessions live in the cache too (backed by the database).
FANPORTAL_PAGE_CACHE = env_flag("FANPORTAL_PAGE_CACHE", default=True)
# After a change, the previous copy of a page is served for at most this long while one
# request renders the new one; and a process reuses the content version it read for this
# long before reading it again (pagecache/middleware.py, pagecache/versioning.py).
FANPORTAL_PAGE_CACHE_STALE_SECONDS = float(
    os.environ.get("FANPORTAL_PAGE_CACHE_STALE_SECONDS", "2")
)
FANPORTAL_PAGE_CACHE_VERSION_SECONDS = float(
    os.environ.get("FANPORTAL_PAGE_CACHE_VERSION_SECONDS", "0.25")
)
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Security. DJANGO_HTTPS turns on what only makes sense behind TLS.
HTTPS = env_flag("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The club. Its name and colours appear on every page, in feeds and in structured data.
FANPORTAL_CLUB_NAME = os.environ.get("FANPORTAL_CLUB_NAME", "Liverpool FC")
FANPORTAL_CLUB_SHORT_NAME = os.environ.get("FANPORTAL_CLUB_SHORT_NAME", "LFC")
FANPORTAL_CLUB_PRIMARY = os.environ.get("FANPORTAL_CLUB_PRIMARY", "#c8102e")
FANPORTAL_CLUB_ACCENT = os.environ.get("FANPORTAL_CLUB_ACCENT", "#f6eb61")
FANPORTAL_SITE_NAME = os.environ.get("FANPORTAL_SITE_NAME", "The Kop Report")
# The site's one domain, for identifiers that must not change with the host a request names
# (the match calendar's UIDs, which phones keep to update a subscribed event).
FANPORTAL_SITE_DOMAIN = os.environ.get("FANPORTAL_SITE_DOMAIN", ALLOWED_HOSTS[0].lstrip("."))
for _colour in (FANPORTAL_CLUB_PRIMARY, FANPORTAL_CLUB_ACCENT):
    # Colours are written into a <style> element, so only plain hex colours are accepted.
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", _colour):
        raise ImproperlyConfigured(f"Club colours must look like #c8102e, not {_colour!r}.")
# The club's colours are the one inline style of every public page. It is allowed by its hash,
# not by a nonce, so that a cached page is the same for every visitor (pagecache).
FANPORTAL_CLUB_STYLE = (
    f":root {{ --club: {FANPORTAL_CLUB_PRIMARY}; --accent: {FANPORTAL_CLUB_ACCENT}; }}"
)
_style_hash = base64.b64encode(hashlib.sha256(FANPORTAL_CLUB_STYLE.encode()).digest()).decode()
SECURE_CSP["style-src"].append(f"'sha256-{_style_hash}'")

# Uploaded images: larger files, or more pixels, are refused with a form error. The pixel cap
# sits well under Pillow's decompression-bomb limit (about 89 megapixels).
FANPORTAL_IMAGE_MAX_BYTES = int(os.environ.get("FANPORTAL_IMAGE_MAX_BYTES", 10 * 1024 * 1024))
FANPORTAL_IMAGE_MAX_PIXELS = int(os.environ.get("FANPORTAL_IMAGE_MAX_PIXELS", 40_000_000))

# The API: pages of at most 100 (ninja's default is unlimited), and request rates per client
# address (anonymous reads) and per token (writes).
NINJA_PAGINATION_MAX_LIMIT = 100
FANPORTAL_API_ANON_RATE = os.environ.get("FANPORTAL_API_ANON_RATE", "120/min")
FANPORTAL_API_TOKEN_RATE = os.environ.get("FANPORTAL_API_TOKEN_RATE", "60/min")

# Story files larger than this are refused by the importer.
FANPORTAL_STORY_MAX_BYTES = int(os.environ.get("FANPORTAL_STORY_MAX_BYTES", 2 * 1024 * 1024))
