"""The nginx site of the central office: rendered, it passes `nginx -t` and says what it should."""

import shutil
from pathlib import Path

import pytest

from deploy.checks import nginx_main_conf, nginx_test, self_signed_certificate
from deploy.render import render_named

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx missing (apt install nginx)",
)


def rendered_site(tmp_path, **overrides):
    cert, key = self_signed_certificate(tmp_path / "tls")
    values = {
        "ssl_certificate": cert,
        "ssl_certificate_key": key,
        "cache_dir": tmp_path / "cache",
        "listen_http": "127.0.0.1:18080",
        "listen_https": "127.0.0.1:18443",
        **overrides,
    }
    site = tmp_path / "central.conf"
    site.write_text(render_named("nginx/central.conf", values))
    return site


def test_rendered_site_passes_nginx_t(tmp_path):
    site = rendered_site(tmp_path, upstreams=["127.0.0.1:8001", "127.0.0.1:8002"])
    result = nginx_test(nginx_main_conf(tmp_path / "nginx", site))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_t_fails_on_a_missing_certificate(tmp_path):
    # The check must be able to fail.
    site = rendered_site(tmp_path, ssl_certificate=tmp_path / "absent.pem")
    assert nginx_test(nginx_main_conf(tmp_path / "nginx", site)).returncode != 0


def test_site_proxies_to_every_upstream(tmp_path):
    text = render_named("nginx/central.conf", {"upstreams": ["10.0.0.1:8000", "10.0.0.2:8000"]})
    assert "server 10.0.0.1:8000 max_fails=3" in text
    assert "server 10.0.0.2:8000 max_fails=3" in text


def test_site_fits_the_protocol_limits_and_long_polls():
    text = render_named("nginx/central.conf")
    assert "client_max_body_size 33m;" in text
    downlink = text[text.index("location ~ ^/api/v1/kiosks/[^/]+/downlink$") :]
    downlink = downlink[: downlink.index("}")]
    assert "proxy_read_timeout 330s;" in downlink
    assert "proxy_buffering off;" in downlink
    # ... on the event-loop long-poll service, not on gunicorn's threads.
    assert "proxy_pass http://central_longpoll;" in downlink
    assert "server 127.0.0.1:8100 max_fails=3" in text
    # Uploads are buffered by nginx: a slow sender never holds a central worker.
    api = text[text.index("location /api/ {") :]
    api = api[: api.index("}")]
    assert "proxy_request_buffering on;" in api and "proxy_request_buffering off" not in text
    assert "client_body_timeout 30s;" in text


def test_site_sends_security_headers_and_redirects_plain_http():
    text = render_named("nginx/central.conf")
    for header in (
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Content-Security-Policy",
        "Referrer-Policy",
    ):
        assert f"add_header {header} " in text
    assert "return 301 https://$host$request_uri;" in text
    # No location may set add_header itself, or it would drop the server's security headers.
    server = text[text.index("listen 443 ssl") :]
    for block in server.split("\n    location ")[1:]:
        assert "add_header" not in block


def test_static_files_are_cached():
    text = render_named("nginx/central.conf")
    static = text[text.index("location /static/") :]
    static = static[: static.index("}")]
    assert "proxy_cache central_static;" in static
    assert "expires 7d;" in static
