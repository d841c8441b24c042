"""With DEBUG=false the web server serves everything itself: whitenoise answers the
static files collected as the Dockerfile does, and docker-compose.yml's web command
(gunicorn with campaign_manager/gunicorn_conf.py) starts, answers and stops cleanly."""

import http.client
import json
import queue
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from .conftest import DOCKERFILE, REPO_ROOT, VENV_BIN, compose_command, run_python

START_TIMEOUT = 60  # seconds; bounds, not expectations
STOP_TIMEOUT = 30
HTTPS_PROXY = {"X-Forwarded-Proto": "https", "Host": "cm.example.com"}

SERVE_WITH_TEST_CLIENT = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
url = static("admin/css/base.css")
client = Client(headers={"X-Forwarded-Proto": "https"}, HTTP_HOST="cm.example.com")
plain = client.get(url)
gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
print(json.dumps({
    "url": url,
    "status": plain.status_code,
    "body": b"".join(plain.streaming_content).decode()[:200],
    "cache": plain.headers.get("Cache-Control"),
    "gzip": gzipped.headers.get("Content-Encoding"),
    "missing": client.get(settings.STATIC_URL + "admin/css/no-such-file.css").status_code,
}))
"""


def test_it_collects_static_files_as_the_dockerfile_does(collected_static):
    assert "python manage.py collectstatic --noinput --verbosity 0" in DOCKERFILE
    manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]
    for name in ("admin/css/base.css", "gadget/gadget.js", "gadget/gadget.css"):
        hashed = collected_static / manifest[name]
        assert hashed.is_file() and Path(f"{hashed}.gz").is_file()


def test_it_serves_admin_static_files_with_whitenoise_when_debug_is_off(
    production_env, collected_static
):
    env = production_env | {"STATIC_ROOT": str(collected_static)}
    result = run_python(env, "-c", SERVE_WITH_TEST_CLIENT)
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])

    # The hashed name from the manifest, cached for good, gzip when the client takes it.
    assert re.fullmatch(r"/static/admin/css/base\.[0-9a-f]{12}\.css", served["url"])
    assert served["status"] == 200
    assert "DJANGO Admin styles" in served["body"]
    assert "immutable" in served["cache"]
    assert served["gzip"] == "gzip"
    assert served["missing"] == 404


class Gunicorn:
    """docker-compose.yml's web command on a free loopback port; stderr read by a thread
    so that the pipe never fills."""

    def __init__(self, env: dict[str, str]) -> None:
        command = compose_command("web")
        assert command[0] == "gunicorn"
        command = [str(VENV_BIN / "gunicorn"), *command[1:]]
        command[command.index("--bind") + 1] = "127.0.0.1:0"
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env | {"WEB_CONCURRENCY": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        """The first stderr line matching `pattern`, within `timeout` seconds in all."""
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no {pattern!r} within {timeout} s:\n" + "\n".join(self.lines)
                ) from None
            if line is None:
                raise AssertionError("gunicorn ended:\n" + "\n".join(self.lines))
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        while (line := self._queue.get(timeout=STOP_TIMEOUT)) is not None:
            self.lines.append(line)
        return code


def get(port: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One request, no redirect followed, no proxy."""
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(production_env, collected_static):
    env = production_env | {"STATIC_ROOT": str(collected_static)}
    migrate = compose_command("migrate")
    assert migrate[:2] == ["python", "manage.py"]
    migrated = run_python(env, *migrate[1:])
    assert migrated.returncode == 0, migrated.stderr
    server = Gunicorn(env)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=STOP_TIMEOUT)


def test_it_serves_health_admin_and_gadget_under_gunicorn_and_stops_cleanly(gunicorn):
    port = gunicorn.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)", START_TIMEOUT)[1]

    health = get(port, "/healthz", {"X-Request-ID": "probe-1"})
    login = get(port, "/admin/login/", HTTPS_PROXY)
    css_url = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', login[2])
    assert css_url, login[2][:500]
    css = get(port, css_url[1].decode(), HTTPS_PROXY)
    gadget = get(port, "/gadget/CallbackGadget.xml", HTTPS_PROXY)
    plain_http = get(port, "/admin/login/", {"Host": "cm.example.com"})
    code = gunicorn.stop()

    assert (health[0], health[1]["X-Request-ID"]) == (200, "probe-1")  # plain HTTP: exempt
    assert login[0] == 200 and "max-age=31536000" in login[1]["Strict-Transport-Security"]
    assert css[0] == 200 and css[1]["Content-Type"].startswith("text/css")
    assert gadget[0] == 200 and b"https://cm.example.com/static/gadget/gadget." in gadget[2]
    assert (plain_http[0], plain_http[1]["Location"]) == (
        301,
        "https://cm.example.com/admin/login/",
    )
    assert code == 0
    # Everything gunicorn and Django wrote is JSON, one object per line.
    records = [json.loads(line) for line in gunicorn.lines]
    access = [r for r in records if r["logger"] == "campaign_manager.access"]
    assert [r["path"] for r in access] == [
        "/healthz",
        "/admin/login/",
        css_url[1].decode(),
        "/gadget/CallbackGadget.xml",
        "/admin/login/",
    ]
    assert access[0]["request_id"] == "probe-1"
    assert any(r["message"] == "Shutting down: Master" for r in records)
