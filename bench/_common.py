"""What the benchmarks share: the processes they start (gunicorn, the task worker), their scratch PostgreSQL
database, a browser-like HTTP client's single timed request, and the percentiles they report.

Imported by the scripts of this folder, which Python runs with `bench/` on its path."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


# --- Processes and database ---------------------------------------------------------------------------

def database_url(name):
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def recreate_database(name):
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd, env, log):
    with open(log, "ab") as out:
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=out, stderr=subprocess.STDOUT, timeout=600)


def start_process(cmd, env, log):
    out = open(log, "ab")  # noqa: SIM115 (kept open for the process's life)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process):
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_http(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1 only)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} ne répond pas")


# --- HTTP clients -------------------------------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers: the clients follow them themselves, so that each request is timed."""

    def redirect_request(self, *args, **kwargs):
        return None


def timed_request(opener, url, data=None, content_type=None, timeout=60):
    """One HTTP request through `opener`: (status, headers, text, seconds), error statuses included."""
    request = urllib.request.Request(url, data=data)  # noqa: S310 (127.0.0.1 only)
    if content_type:
        request.add_header("Content-Type", content_type)
    began = time.perf_counter()
    try:
        with opener.open(request, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, headers, body.decode(errors="replace"), time.perf_counter() - began


# --- Figures ------------------------------------------------------------------------------------------

def percentile(values, p):
    """The p-th percentile (p in 1..99) of `values`, or None when there are none."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[p - 1]


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)
