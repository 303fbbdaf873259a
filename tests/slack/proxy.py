"""The shipped nginx configuration, run by Debian's nginx binary on loopback in front of
`creditbot serve`: a high port, a temporary directory for its pid, logs and certificate."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.slack.workspace import free_port

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "creditbot.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def nginx_binary() -> str:
    """Debian's nginx (`.ci/run` installs it); the test is skipped only when it is absent."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found is None:
        pytest.skip("no nginx binary on this machine: `apt-get install -y nginx` (.ci/run does)")
    return found


def directive(name: str) -> str:
    """A directive's value as shipped, e.g. directive('client_header_timeout') == '5s'."""
    (value,) = [
        line.split("#")[0].strip().removeprefix(name).strip(" ;")
        for line in SHIPPED.read_text().splitlines()
        if line.strip().startswith(name + " ")
    ]
    return value


def seconds(value: str) -> float:
    return float(value.removesuffix("s"))


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def configured(directory: Path, port: int, http_port: int, upstream: int) -> Path:
    """The shipped file with only its addresses and paths changed to the test's own."""
    cert, key = self_signed(directory)
    text = SHIPPED.read_text()
    for shipped, local in [
        ("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("server 127.0.0.1:3000;", f"server 127.0.0.1:{upstream};"),
        ("/etc/ssl/certs/creditbot.pem", str(cert)),
        ("/etc/ssl/private/creditbot.key", str(key)),
        ("/var/log/nginx/creditbot.access.log", str(directory / "access.log")),
    ]:
        assert text.count(shipped) == 1, shipped
        text = text.replace(shipped, local)
    (directory / "creditbot.conf").write_text(text)
    # Run as root (CI), nginx's workers would otherwise be `nobody`, shut out of the test's
    # private temporary directory.
    user = "user root;" if os.geteuid() == 0 else ""
    main = directory / "nginx.conf"
    main.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/creditbot.conf;
}}
"""
    )
    return main


@dataclass(frozen=True)
class Proxy:
    base: str  # https://localhost:PORT
    port: int
    http_port: int
    context: ssl.SSLContext
    directory: Path

    def connect(self, timeout: float = 5) -> ssl.SSLSocket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return self.context.wrap_socket(raw, server_hostname="localhost")

    def access_log(self) -> str:
        path = self.directory / "access.log"
        return path.read_text() if path.exists() else ""


@contextmanager
def running_proxy(directory: Path, upstream: int) -> Iterator[Proxy]:
    binary = nginx_binary()
    directory.mkdir(parents=True, exist_ok=True)
    port, http_port = free_port(), free_port()
    main = configured(directory, port, http_port, upstream)
    checked = subprocess.run(
        [binary, "-t", "-p", str(directory), "-c", str(main)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [binary, "-p", str(directory), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    context = ssl.create_default_context(cafile=str(directory / "cert.pem"))
    proxy = Proxy(f"https://localhost:{port}", port, http_port, context, directory)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                proxy.connect(1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((directory / "error.log").read_text()) from None
                time.sleep(0.05)
        yield proxy
    finally:
        process.terminate()  # SIGTERM: nginx's fast shutdown
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
