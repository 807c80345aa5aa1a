"""gunicorn settings for the central office (used by deploy/systemd/central-api.service).

Every setting can be changed without editing this file through the unit's environment file:
``GUNICORN_BIND``, ``GUNICORN_WORKERS``, ``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``,
``GUNICORN_ACCESSLOG`` (``-`` is standard output, i.e. the journal).

Threaded workers (gthread). No kiosk waits here: nginx sends the downlink long-poll to the
event-loop service (`central-api longpoll`, deploy/systemd/central-longpoll.service), where a
waiting kiosk holds a connection, not a thread. Only signed calls of enrolled kiosks get past
central_api.kiosk_auth; nginx buffers uploads, so slow senders never reach a worker
(deploy/nginx/central.conf).
"""

import multiprocessing
import os

# Loopback only: nginx (deploy/nginx/central.conf) is the one door from outside.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# Longer than the downlink long-poll and than nginx's proxy_read_timeout for it (330 s), so that
# gunicorn never kills a worker that is only waiting for news for a kiosk.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "360"))
graceful_timeout = 30
keepalive = 5

# Restart workers now and then, a little apart, to bound any slow leak.
max_requests = 2000
max_requests_jitter = 200

# A bundle upload is at most 33 MiB; request lines and headers stay small.
limit_request_line = 8190
limit_request_fields = 100

# nginx on the same host sets X-Forwarded-For / X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1,::1"

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'

proc_name = "central-api"
# Heartbeat files in memory, not on a disk that may be slow or read-only (ProtectSystem=strict).
worker_tmp_dir = "/dev/shm"


# The app is loaded once, in the master, and each worker is forked from it ready to serve
# (central_api.serve.prepare_app): nine workers cost one start-up, a worker restarted after
# max_requests costs none. A new release therefore needs `systemctl restart`, not a reload.
preload_app = True


def when_ready(server):
    # In the master, after the app was loaded and before the first worker is forked.
    from central_api.serve import prepare_app

    prepare_app(server.app.wsgi())


def post_worker_init(worker):
    # In each worker: fresh database connections, the background WAL checkpointer.
    from central_api.serve import start_worker

    start_worker(worker.wsgi)
