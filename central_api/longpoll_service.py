"""The downlink long-poll on an event loop: a waiting kiosk holds a connection, not a thread.

``central-api longpoll`` runs this small aiohttp service beside the WSGI app (gunicorn); the
shipped nginx site sends ``GET /api/v1/kiosks/<id>/downlink`` here and everything else to
gunicorn (docs/operations.md, "The long-poll service"). It answers exactly as the WSGI route
does (:func:`central_api.api.downlink`): 200 with a bundle, 204 when the wait ended empty, the
one error shape otherwise; only an empty wait may end a little early (up to
:data:`WAIT_SPREAD` of it), so that kiosks that reconnected together drift apart.

Each call is first authenticated (:func:`central_api.kiosk_auth.authenticate_then`: signature,
freshness, nonce spent in the database) and counted against its kiosk's rate limit, before any
wait; that check, the kiosk's contact and the look for its news are ONE transaction, since
every empty wait ends in a new call and those calls are what the service spends its time on.
Database work runs in a small thread pool (``threads``), and what a woken kiosk fetches
in two threads of its own, so that news is not queued behind arriving calls when many kiosks
come back at once; the wait itself is an
:class:`asyncio.Event` in :class:`central_api.downlink_wakeup.Waiters`, set by the process's one
PostgreSQL listener or SQLite change counter. Thousands of waiting kiosks cost a few kilobytes
each and no query until something is queued for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from sync import SyncError

from . import bundles, kiosk_auth, longpoll
from .api.ratelimit import RateLimiter
from .context import Central
from .db import is_sqlite
from .downlink_wakeup import Waiters, listen_postgres, watch_sqlite
from .errors import CentralError, RateLimitedError, WrongKioskError
from .serve import ConfiguredGunicorn
from .signed_time import TIME_HEADER, signed_time_for

OCTET = "application/octet-stream"
MAX_QUERY_BODY = 4096  # a GET carries no body; anything bigger is not a kiosk's call
DEFAULT_THREADS = 8
WAIT_SPREAD = 0.2

log = logging.getLogger(__name__)
CENTRAL = web.AppKey("central", Central)
WAITERS = web.AppKey("waiters", Waiters)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
DELIVERY = web.AppKey("delivery", ThreadPoolExecutor)
DELIVERY_THREADS = 2
LIMITER = web.AppKey("limiter", RateLimiter)
WAKEUP = web.AppKey("wakeup", asyncio.Task)
HOLDING = web.AppKey("holding", list)  # [n]: the long-polls past their first look, waiting


def error_response(code: str, message: str, status: int) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, "status": status}},
                             status=status)  # fmt: skip


async def _blocking(app: web.Application, function, *args, pool=EXECUTOR):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(app[pool], functools.partial(function, *args))


def _signed_target(request: web.Request) -> str:
    """What the kiosk signed: the path, and the query as sent (as Flask's route sees it)."""
    _, sep, query = request.raw_path.partition("?")
    return f"{request.path}?{query}" if sep and query else request.path


async def downlink(request: web.Request) -> web.StreamResponse:
    response = await _downlink(request)
    value = signed_time_for(request.app[CENTRAL].identity, request.headers.get("Authorization"))
    if value is not None:  # central's signed time, as on every answer to a kiosk (sync.clock)
        response.headers[TIME_HEADER] = value
    return response


async def _downlink(request: web.Request) -> web.StreamResponse:
    app = request.app
    kiosk_id = request.match_info["kiosk_id"]
    # Listed before the first look, so that news committed in between still wakes it.
    event = app[WAITERS].add(kiosk_id)
    try:
        body = await request.read()
        after, wait, data = await _blocking(
            app,
            _first_look,
            app,
            request.headers.get("Authorization"),
            _signed_target(request),
            body,
            kiosk_id,
            request.query,
        )
        if data is None:
            data = await wait_for_downlink(app, kiosk_id, after, wait, event)
    except (CentralError, SyncError) as exc:
        return error_response(exc.code, exc.message, exc.http_status)
    except Exception:  # the one error shape, as the WSGI app's last handler gives it
        log.exception("Unexpected error on %s", request.path)
        return error_response(
            "internal_error",
            "Central could not finish this; nothing was half-done. Try again; if it repeats, "
            "tell the administrator.",
            500,
        )
    finally:
        app[WAITERS].remove(kiosk_id, event)
    if data is None:
        return web.Response(status=204)
    return web.Response(body=data, content_type=OCTET)


def _first_look(app: web.Application, header, target: str, body: bytes, kiosk_id: str, query):
    """In one transaction (a thread's): the signed call checked and its nonce spent
    (:func:`central_api.kiosk_auth.authenticate_then`), the kiosk's contact noted, its rate
    limit and arguments checked, one indexed look for its news and, only if there is some, the
    bundle (:func:`central_api.bundles.next_downlink_locked`). ``(after, wait, bundle)``."""
    central = app[CENTRAL]

    def admit(conn, kiosk: dict):
        try:
            if not app[LIMITER].allow(f"kiosk:{kiosk['id']}"):
                raise RateLimitedError(
                    "Too many calls from this kiosk in a minute: wait and try again."
                )
            if kiosk_id != kiosk["id"]:
                raise WrongKioskError(f"Kiosk {kiosk['id']} may not call for kiosk {kiosk_id!r}.")
            after = longpoll.parse_after(query.get("after"))
            wait = longpoll.parse_wait(query.get("wait"))
        except CentralError as refusal:
            return refusal  # refused, but its nonce stays spent: it cannot be replayed either
        if not longpoll.has_downlink_in(conn, kiosk_id, after):
            return after, wait, None  # most calls: nothing yet, the kiosk waits
        # The signed-call check updated the kiosk's row: this transaction holds its lock.
        return after, wait, bundles.next_downlink_locked(conn, central.identity, kiosk, after)

    _, admitted = kiosk_auth.authenticate_then(
        central.engine, header, "GET", target, lambda: body, admit, touch=True
    )
    if isinstance(admitted, CentralError):
        raise admitted
    return admitted


async def wait_for_downlink(
    app: web.Application, kiosk_id: str, after: int, wait: float, event: asyncio.Event
):
    """Hold an empty long-poll up to ``wait`` seconds without a thread, woken (``event``) only
    when the database says this kiosk has news; then :func:`central_api.bundles.next_downlink`."""
    loop = asyncio.get_running_loop()
    # Kiosks that came back together (after an outage) would otherwise keep asking again in
    # step, every ``wait`` seconds, all at once: an empty wait ends somewhere in its last fifth.
    deadline = loop.time() + wait * random.uniform(1 - WAIT_SPREAD, 1)
    app[HOLDING][0] += 1
    try:
        return await _hold(app, kiosk_id, after, deadline, event)
    finally:
        app[HOLDING][0] -= 1


async def _hold(app: web.Application, kiosk_id: str, after: int, deadline: float, event):
    central = app[CENTRAL]
    loop = asyncio.get_running_loop()
    data = None
    while data is None:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            await asyncio.wait_for(event.wait(), remaining)
        except TimeoutError:
            break
        event.clear()
        # Its own threads: news is never queued behind other kiosks' calls coming in.
        if await _blocking(
            app, longpoll.has_downlink, central.engine, kiosk_id, after, pool=DELIVERY
        ):
            data = await _blocking(
                app,
                bundles.next_downlink,
                central.engine,
                central.identity,
                kiosk_id,
                after,
                pool=DELIVERY,
            )
    return data


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    listening = not app[WAKEUP].done()
    return web.json_response(
        {"status": "ok" if listening else "degraded", "waiting": app[HOLDING][0]},
        status=200 if listening else 503,
    )


async def _start(app: web.Application) -> None:
    central = app[CENTRAL]
    central.identity  # noqa: B018 - fails at start, with a clear message, when init has not run
    if is_sqlite(central.engine):
        wakeup = watch_sqlite(central.engine, app[WAITERS], functools.partial(_blocking, app))
    else:
        wakeup = listen_postgres(central.engine, app[WAITERS])
    app[WAKEUP] = asyncio.create_task(wakeup)


async def _stop(app: web.Application) -> None:
    app[WAKEUP].cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app[WAKEUP]
    for pool in (EXECUTOR, DELIVERY):
        app[pool].shutdown(wait=True, cancel_futures=True)
    app[CENTRAL].dispose()


def create_longpoll_app(central: Central, threads: int = DEFAULT_THREADS) -> web.Application:
    """The long-poll service of ``central`` (its configuration: rate limit, database)."""
    app = web.Application(client_max_size=MAX_QUERY_BODY)
    app[CENTRAL] = central
    app[WAITERS] = Waiters()
    app[HOLDING] = [0]
    app[EXECUTOR] = ThreadPoolExecutor(max(1, threads), thread_name_prefix="longpoll-db")
    app[DELIVERY] = ThreadPoolExecutor(DELIVERY_THREADS, thread_name_prefix="longpoll-news")
    app[LIMITER] = RateLimiter(central.config.get("KIOSK_RATE_LIMIT", 600))
    app.router.add_get("/api/v1/kiosks/{kiosk_id}/downlink", downlink)
    app.router.add_get("/healthz", healthz)
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
    return app


def app_runner(central: Central, threads: int = DEFAULT_THREADS) -> web.AppRunner:
    """The service, ready to be set up on a site: a client that hangs up ends its wait at once."""
    return web.AppRunner(
        create_longpoll_app(central, threads),
        access_log=None,
        handler_cancellation=True,
        shutdown_timeout=5,
    )


def run(
    central: Central, host: str, port: int, threads: int = DEFAULT_THREADS, processes: int = 1
) -> None:
    """Serve until SIGTERM/SIGINT: in this process, or in ``processes`` worker processes on
    the same port (:func:`run_longpoll`, gunicorn's arbiter), each with its
    own event loop, ``threads`` and LISTEN connection, since one process is bound by its GIL."""
    if processes > 1:
        central.dispose()  # no connections cross the fork into the workers
        run_longpoll(central.config, host, port, threads, processes)
        return
    web.run_app(
        create_longpoll_app(central, threads),
        host=host,
        port=port,
        access_log=None,
        print=None,
        handler_cancellation=True,
        shutdown_timeout=5,
        backlog=4096,
    )


class _LongpollGunicorn(ConfiguredGunicorn):
    """gunicorn's arbiter over aiohttp workers (``aiohttp.GunicornWebWorker``): it binds the
    port once, forks the workers, which accept from the same socket, and replaces one that
    dies. Each worker builds its own long-poll service after the fork."""

    def __init__(self, config: dict, threads: int, options: dict):
        self.threads = threads
        super().__init__(config, options)

    def load(self):
        config, threads = self.central_config, self.threads

        async def runner():
            return app_runner(Central.from_config(config), threads)

        return runner


def run_longpoll(config: dict, host: str, port: int, threads: int, processes: int) -> None:
    """``processes`` long-poll workers on one port until SIGTERM/SIGINT."""
    options = {
        "bind": f"{host}:{port}",
        "workers": max(1, processes),
        "worker_class": "aiohttp.GunicornWebWorker",
        "backlog": 4096,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "central-longpoll",
    }
    _LongpollGunicorn(config, threads, options).run()
