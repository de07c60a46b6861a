"""The newsroom's two roles, as groups.

Editors write, edit, publish and unpublish articles and keep the squad, trophies and honours
up to date. Contributors write and edit drafts; they cannot publish. Neither can manage users,
groups or API tokens: that stays with superusers.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions

EDITORS = {
    "articles": [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "publish_article",
        "add_tag",
        "change_tag",
        "delete_tag",
        "view_tag",
    ],
    "players": ["add_player", "change_player", "delete_player", "view_player"],
    "trophies": [
        "add_trophy",
        "change_trophy",
        "delete_trophy",
        "view_trophy",
        "add_honour",
        "change_honour",
        "delete_honour",
        "view_honour",
    ],
}
CONTRIBUTORS = {
    "articles": ["add_article", "change_article", "view_article", "view_tag"],
    "players": ["view_player"],
    "trophies": ["view_trophy", "view_honour"],
}
ROLES = {"Editors": EDITORS, "Contributors": CONTRIBUTORS}


def ensure_roles(apps: Any = installed_apps) -> None:
    """Create or refresh both groups (idempotent); apps may be a migration's historical apps."""
    # Permissions are normally created after all migrations; the groups need them now.
    # Historical app configs (in a migration) have no models module, which
    # create_permissions insists on, so one is pretended for the call.
    historical = apps is not installed_apps
    for app_config in apps.get_app_configs():
        if historical:
            app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        if historical:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in grants.items()
            for codename in codenames
        ]
        group.permissions.set(permissions)
