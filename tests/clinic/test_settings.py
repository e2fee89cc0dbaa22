import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    unset = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_deploy_check_passes_with_production_settings_from_the_environment():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        ALLOWED_HOSTS="clinic.example",
        SECRET_KEY="k" * 20 + "a-long-random-production-secret-0123456789",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_bad_value_in_the_environment_fails_loudly():
    result = manage("check", SECURE_HSTS_SECONDS="a year")

    assert result.returncode != 0
    assert "invalid literal for int()" in result.stderr


def test_an_unknown_clinic_time_zone_is_reported():
    result = manage("check", TIME_ZONE="Mars/Olympus_Mons")

    assert result.returncode != 0
    assert "Mars/Olympus_Mons" in result.stdout + result.stderr


def test_a_revealing_discreet_name_is_refused():
    result = manage("check", CLINIC_DISCREET_NAME="Harbor Light Recovery")

    assert result.returncode != 0
    assert "clinic.E002" in result.stderr and "CLINIC_DISCREET_NAME contains 'recover'" in result.stderr


def test_every_setting_a_patient_email_prints_passes_the_same_check():
    result = manage(
        "check",
        CLINIC_PHONE="1-800-DETOX-NOW",
        SITE_URL="https://harborlightrecovery.org",
        DEFAULT_FROM_EMAIL="reminders@sober-living.example",
    )

    assert result.returncode != 0
    for name in ("CLINIC_PHONE", "SITE_URL", "DEFAULT_FROM_EMAIL"):
        assert f"{name} contains" in result.stderr


def test_production_refuses_to_start_on_the_development_secret_key():
    from clinic.settings import _DEV_SECRET_KEY

    result = manage("check", DEBUG="false", ALLOWED_HOSTS="clinic.example", SECRET_KEY=_DEV_SECRET_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is the development key or too weak" in result.stderr


def test_production_refuses_to_start_on_a_short_secret_key():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="clinic.example", SECRET_KEY="changeme-please")

    assert result.returncode != 0
    assert "SECRET_KEY is the development key or too weak" in result.stderr


def test_development_still_runs_on_the_built_in_key():
    result = manage("check")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_deployment_steps_collect_the_static_files_with_the_manifest(tmp_path):
    production = {"DEBUG": "false", "ALLOWED_HOSTS": "clinic.example", "SECRET_KEY": "p" * 10 + "x" * 50 + "0123"}

    result = manage("collectstatic", "--noinput", STATIC_MANIFEST="true", VAR_DIR=str(tmp_path), **production)

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/bootstrap.bundle.min.js" in manifest


def site_url(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "clinic.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_links_in_emails_follow_the_host_and_port_served_when_site_url_is_unset():
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8101") == "http://127.0.0.1:8101"  # make run PORT=8101
    assert site_url(HOST="localhost", PORT="8101") == "http://localhost:8101"
    assert site_url(HOST="0.0.0.0", PORT="8101") == "http://127.0.0.1:8101"  # noqa: S104 (every interface: reached on loopback)


def test_a_configured_site_url_wins_over_the_host_and_port():
    assert site_url(SITE_URL="https://clinic.example.org", PORT="8101") == "https://clinic.example.org"


def test_make_run_passes_the_host_and_port_on_to_the_worker_that_writes_the_links():
    assert "export HOST PORT" in (ROOT / "bin" / "serve").read_text()
