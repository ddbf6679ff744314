"""Production settings refuse to start without real secrets and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="k" * 20 + "-Zx9" * 10, ALLOWED_HOSTS="kc.gov.vn"
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_a_missing_secret_key() -> None:
    result = run_manage("check", ALLOWED_HOSTS="kc.gov.vn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
