"""The client's real address behind the trusted reverse proxy (nginx, deploy/nginx/central.conf).

nginx passes the address it saw in ``X-Forwarded-For`` (``$proxy_add_x_forwarded_for``: what the
client claimed, then the address nginx itself saw, last) and the scheme in
``X-Forwarded-Proto``. Those headers are believed only on a request that came from one of the
configured proxy addresses (``TRUSTED_PROXIES``, ``$CENTRAL_TRUSTED_PROXIES``); from anywhere
else they are ignored, so no client can choose the address it is rate-limited and audited under.
Behind the one proxy, werkzeug's :class:`~werkzeug.middleware.proxy_fix.ProxyFix` takes the last
entry (the one nginx appended), never what the client wrote before it.
"""

from __future__ import annotations

import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix


class TrustedProxy:
    """WSGI middleware: ProxyFix (one hop) for requests from the trusted proxy, else nothing."""

    def __init__(self, app, proxies: tuple[str, ...], hops: int = 1):
        self.app = app
        self.networks = tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies)
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops)

    def trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.networks and self.trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
