"""The downlink long-poll on an event loop: a waiting kiosk holds a connection, not a thread.

``central-api longpoll`` runs this small aiohttp service beside the WSGI app (gunicorn); the
shipped nginx site sends ``GET /api/v1/kiosks/<id>/downlink`` here and everything else to
gunicorn (docs/operations.md, "The long-poll service"). It answers exactly as the WSGI route
does (:func:`central_api.api.downlink`): 200 with a bundle, 204 when the wait ended empty, the
one error shape otherwise; only an empty wait may end a little early (up to
:data:`WAIT_SPREAD` of it), so that kiosks that reconnected together drift apart.

Each call is first authenticated (:func:`central_api.kiosk_auth.authenticate`: signature,
freshness, nonce spent in the database) and counted against its kiosk's rate limit, before any
wait. Database work runs in a small thread pool (``threads``), and what a woken kiosk fetches
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
    central = app[CENTRAL]
    try:
        body = await request.read()
        kiosk = await _blocking(
            app,
            kiosk_auth.authenticate,
            central.engine,
            request.headers.get("Authorization"),
            request.method,
            _signed_target(request),
            lambda: body,
        )
        if not app[LIMITER].allow(f"kiosk:{kiosk['id']}"):
            raise RateLimitedError(
                "Too many calls from this kiosk in a minute: wait and try again."
            )
        kiosk_id = request.match_info["kiosk_id"]
        if kiosk_id != kiosk["id"]:
            raise WrongKioskError(f"Kiosk {kiosk['id']} may not call for kiosk {kiosk_id!r}.")
        after = longpoll.parse_after(request.query.get("after"))
        wait = longpoll.parse_wait(request.query.get("wait"))
        data = await wait_for_downlink(app, kiosk_id, after, wait)
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
    if data is None:
        return web.Response(status=204)
    return web.Response(body=data, content_type=OCTET)


async def wait_for_downlink(app: web.Application, kiosk_id: str, after: int, wait: float):
    """:func:`central_api.bundles.next_downlink`, held up to ``wait`` seconds while empty,
    without a thread: woken only when the database says this kiosk has news."""
    central = app[CENTRAL]
    loop = asyncio.get_running_loop()
    # Kiosks that came back together (after an outage) would otherwise keep asking again in
    # step, every ``wait`` seconds, all at once: an empty wait ends somewhere in its last fifth.
    deadline = loop.time() + wait * random.uniform(1 - WAIT_SPREAD, 1)
    # Listed before the first look, so that news committed in between still wakes it.
    event = app[WAITERS].add(kiosk_id)
    try:
        data = await _blocking(
            app, longpoll.first_look, central.engine, central.identity, kiosk_id, after
        )
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
    finally:
        app[WAITERS].remove(kiosk_id, event)


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    listening = not app[WAKEUP].done()
    return web.json_response(
        {"status": "ok" if listening else "degraded", "waiting": len(app[WAITERS])},
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
    app[EXECUTOR] = ThreadPoolExecutor(max(1, threads), thread_name_prefix="longpoll-db")
    app[DELIVERY] = ThreadPoolExecutor(DELIVERY_THREADS, thread_name_prefix="longpoll-news")
    app[LIMITER] = RateLimiter(central.config.get("KIOSK_RATE_LIMIT", 600))
    app.router.add_get("/api/v1/kiosks/{kiosk_id}/downlink", downlink)
    app.router.add_get("/healthz", healthz)
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
    return app


def run(central: Central, host: str, port: int, threads: int = DEFAULT_THREADS) -> None:
    """Serve until SIGTERM/SIGINT; a client that hangs up ends its wait at once."""
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
