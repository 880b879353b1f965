"""Notifications and health rules: email, webhooks, settings, thresholds."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model
from databricks_jobs.models.enums import JobsHealthMetric, JobsHealthOperator

__all__ = [
    "JobEmailNotifications",
    "JobNotificationSettings",
    "JobsHealthRule",
    "JobsHealthRules",
    "TaskEmailNotifications",
    "TaskNotificationSettings",
    "Webhook",
    "WebhookNotifications",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobEmailNotifications(Model):
    """An optional set of email addresses notified when the task run begins or completes."""

    #: If true, do not send email to recipients specified in `on_failure` if the run is skipped.
    no_alert_for_skipped_runs: bool | None = None
    #: A list of email addresses to be notified when the duration of a run exceeds the threshold
    #: specified for the `RUN_DURATION_SECONDS` metric in the `health` field.
    on_duration_warning_threshold_exceeded: list[str] | None = None
    #: A list of email addresses to be notified when a run unsuccessfully completes.
    on_failure: list[str] | None = None
    #: A list of email addresses to notify when platform-initiated maintenance completes for a
    #: continuous job.
    on_maintenance_complete: list[str] | None = None
    #: A list of email addresses to notify when platform-initiated maintenance starts for a
    #: continuous job.
    on_maintenance_start: list[str] | None = None
    #: A list of email addresses to be notified when a run begins.
    on_start: list[str] | None = None
    #: A list of email addresses to notify when any streaming backlog thresholds are exceeded
    #: for any stream.
    on_streaming_backlog_exceeded: list[str] | None = None
    #: A list of email addresses to be notified when a run successfully completes.
    on_success: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobNotificationSettings(Model):
    """Job notification settings."""

    #: If true, do not send notifications to recipients specified in `on_failure` if the run is
    #: canceled.
    no_alert_for_canceled_runs: bool | None = None
    #: If true, do not send notifications to recipients specified in `on_failure` if the run is
    #: skipped.
    no_alert_for_skipped_runs: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobsHealthRule(Model):
    """Jobs health rule."""

    metric: JobsHealthMetric | str
    op: JobsHealthOperator | str
    #: Specifies the threshold value that the health metric should obey to satisfy the health
    #: rule.
    value: Int64
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobsHealthRules(Model):
    """Jobs health rules."""

    rules: list[JobsHealthRule] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TaskEmailNotifications(Model):
    """Task email notifications."""

    #: If true, do not send email to recipients specified in `on_failure` if the run is skipped.
    no_alert_for_skipped_runs: bool | None = None
    #: A list of email addresses to be notified when the duration of a run exceeds the threshold
    #: specified for the `RUN_DURATION_SECONDS` metric in the `health` field.
    on_duration_warning_threshold_exceeded: list[str] | None = None
    #: A list of email addresses to be notified when a run unsuccessfully completes.
    on_failure: list[str] | None = None
    #: A list of email addresses to notify when platform-initiated maintenance completes for a
    #: continuous job.
    on_maintenance_complete: list[str] | None = None
    #: A list of email addresses to notify when platform-initiated maintenance starts for a
    #: continuous job.
    on_maintenance_start: list[str] | None = None
    #: A list of email addresses to be notified when a run begins.
    on_start: list[str] | None = None
    #: A list of email addresses to notify when any streaming backlog thresholds are exceeded
    #: for any stream.
    on_streaming_backlog_exceeded: list[str] | None = None
    #: A list of email addresses to be notified when a run successfully completes.
    on_success: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TaskNotificationSettings(Model):
    """Task notification settings."""

    #: If true, do not send notifications to recipients specified in `on_start` for the retried
    #: runs and do not send notifications to recipients specified in `on_failure` until the last
    #: retry of the run.
    alert_on_last_attempt: bool | None = None
    #: If true, do not send notifications to recipients specified in `on_failure` if the run is
    #: canceled.
    no_alert_for_canceled_runs: bool | None = None
    #: If true, do not send notifications to recipients specified in `on_failure` if the run is
    #: skipped.
    no_alert_for_skipped_runs: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Webhook(Model):
    """Webhook."""

    id: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class WebhookNotifications(Model):
    """A collection of system notification IDs to notify when the run begins or completes."""

    #: An optional list of system notification IDs to call when the duration of a run exceeds
    #: the threshold specified for the `RUN_DURATION_SECONDS` metric in the `health` field.
    on_duration_warning_threshold_exceeded: list[Webhook] | None = None
    #: An optional list of system notification IDs to call when the run fails.
    on_failure: list[Webhook] | None = None
    #: An optional list of system notification IDs to call when platform-initiated maintenance
    #: completes for a continuous job.
    on_maintenance_complete: list[Webhook] | None = None
    #: An optional list of system notification IDs to call when platform-initiated maintenance
    #: starts for a continuous job.
    on_maintenance_start: list[Webhook] | None = None
    #: An optional list of system notification IDs to call when the run starts.
    on_start: list[Webhook] | None = None
    #: An optional list of system notification IDs to call when any streaming backlog thresholds
    #: are exceeded for any stream.
    on_streaming_backlog_exceeded: list[Webhook] | None = None
    #: An optional list of system notification IDs to call when the run completes successfully.
    on_success: list[Webhook] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
