"""Create the newsroom's roles (see articles/roles.py)."""

from django.db import migrations

from articles.roles import ROLES, ensure_roles


def create_roles(apps, schema_editor):
    ensure_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_newsroom"),
        ("players", "0003_player_photo_renditions_alter_player_photo"),
        ("trophies", "0003_trophy_image_renditions_alter_trophy_image"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
