"""Permissions on jobs: access control entries and permission levels."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Model
from databricks_jobs.models.enums import JobPermissionLevel

__all__ = [
    "GetJobPermissionLevelsResponse",
    "JobAccessControlRequest",
    "JobAccessControlResponse",
    "JobPermission",
    "JobPermissions",
    "JobPermissionsDescription",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class GetJobPermissionLevelsResponse(Model):
    """Get job permission levels response."""

    #: Specific permission levels
    permission_levels: list[JobPermissionsDescription] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobAccessControlRequest(Model):
    """Job access control request."""

    #: name of the group
    group_name: str | None = None
    permission_level: JobPermissionLevel | str | None = None
    #: application ID of a service principal
    service_principal_name: str | None = None
    #: name of the user
    user_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobAccessControlResponse(Model):
    """Job access control response."""

    #: All permissions.
    all_permissions: list[JobPermission] | None = None
    #: Display name of the user or service principal.
    display_name: str | None = None
    #: name of the group
    group_name: str | None = None
    #: Name of the service principal.
    service_principal_name: str | None = None
    #: name of the user
    user_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobPermission(Model):
    """All permissions."""

    inherited: bool | None = None
    inherited_from_object: list[str] | None = None
    permission_level: JobPermissionLevel | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobPermissions(Model):
    """Job permissions."""

    access_control_list: list[JobAccessControlResponse] | None = None
    object_id: str | None = None
    object_type: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobPermissionsDescription(Model):
    """Job permissions description."""

    description: str | None = None
    permission_level: JobPermissionLevel | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
