"""What safety tells the apps above it, so that it never imports them.

Safety sits below the apps that take public answers (surveys, learning, engagement): they use its screening,
rate limit and alerts. When something here changes what one of them shows, safety sends a signal and that app
connects a receiver (in its own code, made sure of in its AppConfig.ready()).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the commit that saved a new alert. Keywords: alert_pk, created_at. safety.tasks queues the email
# to the team leads and the escalation check (tasks build on alerts, so alerts does not import them).
alert_raised = Signal()

# Sent after a person acknowledged or answered an alert raised by a waiting-list check-in, whether or not the
# change was allowed. Keyword: team_id (the alert's team). The check-in measures count answers, so surveys
# refreshes them.
checkin_alert_handled = Signal()
