"""casetrack reminders send (SPEC §8, §13)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from casetrack.commands import command_errors
from casetrack.queues import mail, notify

reminders_cli = AppGroup("reminders", help="Task reminders and notification emails.")


@reminders_cli.command("send")
@command_errors
def send() -> None:
    """Make the due-tomorrow and overdue reminders that are due, then send every pending
    email. Idempotent: run it from cron or a systemd timer, on one host or several."""
    if current_app.config.get("SMTP_URL"):
        mail.smtp_settings(current_app.config["SMTP_URL"])  # a bad setting: one-line error
    made = mail.make_reminders()
    if not notify.mail_configured():
        click.echo(
            f"{made} new reminder(s). No email sent: CASETRACK_SMTP_URL and "
            "CASETRACK_MAIL_FROM are not both set (notifications are shown in CaseTrack)."
        )
        return
    result = mail.send_pending()
    click.echo(f"{made} new reminder(s); {result.sent} email(s) sent, {result.failed} failed.")
    if result.failed:
        click.echo("Failed emails stay pending and are retried by the next run.", err=True)
