import os
import shutil
import subprocess
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
