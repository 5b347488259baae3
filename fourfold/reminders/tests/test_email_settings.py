"""E-mail prints to the console until an SMTP server is named in the environment."""

from __future__ import annotations

import os
import subprocess
import sys

SHOW = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER)"
)


def settings_with(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("EMAIL_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-m", "fourfold", "manage", "shell", "-c", SHOW],
        env={**clean, "FOURFOLD_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_email_goes_to_the_console_by_default(tmp_path):
    result = settings_with(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[-1].split()[0]
        == "django.core.mail.backends.console.EmailBackend"
    )


def test_an_smtp_server_is_named_by_the_environment(tmp_path):
    result = settings_with(
        tmp_path,
        EMAIL_HOST="smtp.example.org",
        EMAIL_USE_TLS="1",
        EMAIL_HOST_USER="coop",
        EMAIL_HOST_PASSWORD="secret",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "True",
        "coop",
    ]


def test_a_port_that_is_not_a_number_is_refused(tmp_path):
    result = settings_with(tmp_path, EMAIL_HOST="smtp.example.org", EMAIL_PORT="smtp")
    assert result.returncode != 0
    assert "EMAIL_PORT='smtp' is not a whole number" in result.stderr
