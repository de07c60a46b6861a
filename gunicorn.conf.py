"""gunicorn settings for production: `make serve`, or `gunicorn -c gunicorn.conf.py fanportal.wsgi`.

Every value can be changed through the environment, so one file serves a laptop and a
machine behind a load balancer.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# Load the app once in the master: workers fork with it in memory, start fast, and share pages.
preload_app = True
# A worker is replaced after this many requests (with jitter, so not all at once): any slow
# growth of memory stays bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
timeout = 30
graceful_timeout = 30
keepalive = 5
# Behind a proxy, trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
