"""In development, emails are written to files under the data folder, never into the log.

A probe found the console email backend writing password-reset links and the words of excellence reports
into the terminal's log. Development now uses Django's file backend (var/emails/ by default).
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_whatmatters

SEND = (
    "from django.core.mail import send_mail;"
    "send_mail('Choose a new password', 'Open http://127.0.0.1:8000/reset/MQ/secret-token/ to choose it',"
    " None, ['lead@example.nhs.uk'])"
)


def test_a_development_email_goes_to_a_file_in_the_data_folder_and_not_to_the_log(tmp_path: Path) -> None:
    result = run_whatmatters("shell", "-v", "0", "-c", SEND, env={"WHATMATTERS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "secret-token" not in result.stdout + result.stderr
    files = list((tmp_path / "emails").iterdir())
    assert len(files) == 1
    assert "secret-token" in files[0].read_text()


def test_the_email_folder_can_be_moved(tmp_path: Path) -> None:
    env = {"WHATMATTERS_DATA_DIR": str(tmp_path), "WHATMATTERS_EMAIL_DIR": str(tmp_path / "mail")}
    result = run_whatmatters("shell", "-v", "0", "-c", SEND, env=env)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "mail").iterdir())) == 1
