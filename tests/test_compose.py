import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import require

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.subprocess
def test_compose_file_is_valid():
    require(shutil.which("docker-compose") is not None, "docker-compose is not installed")
    env = dict(os.environ, SECRET_KEY="compose-validation-only")
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_compose_defines_the_platform():
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = spec["services"]
    assert set(services) >= {"db", "redis", "web", "worker"}
    for name in services:
        assert "healthcheck" in services[name], name
    # web and worker share one image definition
    assert services["web"]["image"] == services["worker"]["image"]
    assert "-Q training,inference" in services["worker"]["command"]
    assert set(spec["volumes"]) >= {"pgdata", "redisdata"}


def test_every_service_restarts_when_its_process_exits():
    # The worker's watchdog turns a wedge into an exit (dlplatform/watchdog.py); this turns the
    # exit into a fresh worker.
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {name: s.get("restart") for name, s in services.items()} == {
        name: "unless-stopped" for name in services
    }


class _Health(http.server.BaseHTTPRequestHandler):
    answer: tuple[int, bytes] = (200, b"{}")

    def do_GET(self) -> None:
        code, body = type(self).answer
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _web_check(code: int, status: str) -> int:
    """Run the web service's healthcheck command against a /healthz answering (code, status)."""
    test = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    command = test["healthcheck"]["test"]
    assert command[0] == "CMD" and "/healthz" in command[-1]
    _Health.answer = (code, json.dumps({"status": status, "checks": {}}).encode())
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        argv = [sys.executable if command[1] == "python" else command[1], *command[2:]]
        argv[-1] = argv[-1].replace("127.0.0.1:8000", f"127.0.0.1:{server.server_port}")
        return subprocess.run(argv, capture_output=True, timeout=30).returncode
    finally:
        server.shutdown()


@pytest.mark.subprocess
def test_web_healthcheck_reads_the_status_code_and_the_body():
    assert _web_check(200, "ok") == 0
    assert _web_check(200, "degraded") == 0  # serving; the body names what is missing
    assert _web_check(503, "down") != 0
    assert _web_check(200, "down") != 0  # the body counts, not only the code


@pytest.mark.subprocess
def test_worker_healthcheck_is_the_age_of_the_watchdogs_alive_file(tmp_path, monkeypatch):
    from dlplatform.watchdog import alive_path

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    worker = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["worker"]
    # The check names the worker as its command does (-n celery@%h: the container's hostname).
    assert "-n celery@%h" in worker["command"]
    kind, shell = worker["healthcheck"]["test"]
    assert kind == "CMD-SHELL" and "dlplatform.worker_alive" in shell
    # Compose turns $$ into $; the container's shell then expands HOSTNAME.
    shell = shell.replace("$$", "$").replace("python ", f"{sys.executable} ", 1)
    env = {**os.environ, "HOSTNAME": "box"}

    def check() -> int:
        return subprocess.run(
            ["sh", "-c", shell], cwd=ROOT, env=env, capture_output=True, timeout=60
        ).returncode

    assert check() != 0  # no alive file: not started, or never ready
    path = alive_path("celery@box")
    path.parent.mkdir(parents=True)
    path.touch()
    assert check() == 0
    old = time.time() - 120  # the watchdog stopped touching it two minutes ago
    os.utime(path, (old, old))
    assert check() != 0
