"""Settings of the baseline project: Django with nothing added."""

from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent

DEBUG = False
SECRET_KEY = "benchmark-baseline-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.baseline.urls"
WSGI_APPLICATION = "bench.baseline.wsgi.application"
DATABASES: dict[str, dict] = {}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BENCH / "templates"],
        "APP_DIRS": False,
    }
]
USE_TZ = True
