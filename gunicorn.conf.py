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
# The longest request line (method, path, query) read; longer gets gunicorn's own 414, an HTML
# page. Its default, 4094 bytes, is shorter than requests the API's schema allows: 255-byte
# slugs and a 200-character search, percent-encoded, exceed it. 8190, gunicorn's ceiling and
# apikit.MAX_REQUEST_LINE, fits every one of them, so only parameters the API refuses with a
# 422 anyway can reach the 414, which every operation documents.
limit_request_line = 8190
# Behind a proxy, trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def worker_exit(server, worker):
    """A worker replaced after max_requests closes its database connections and leaves at
    once. Left to itself, Python spent about 250 ms tearing the process down, and the master
    forks the replacement only after that: with two workers, half the capacity was gone for a
    quarter of a second at every replacement, which showed up as p99 spikes of 100-240 ms.
    The exit status is kept: gunicorn reads it (3 = the app failed to boot, stop retrying)."""
    import logging
    import sys

    from django.db import connections

    leaving = sys.exc_info()[1]  # gunicorn calls this from the finally around sys.exit()
    status = leaving.code if isinstance(leaving, SystemExit) else 1
    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status if isinstance(status, int) else 1)
