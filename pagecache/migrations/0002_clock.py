from django.db import migrations, models
from django.utils import timezone


def look_at_the_schedule_soon(apps, schema_editor) -> None:
    # This app knows no content model, so it cannot work out the next scheduled story here.
    # A next change of "now" makes the first read after the deploy compute it.
    apps.get_model("pagecache", "ContentVersion").objects.using(
        schema_editor.connection.alias
    ).update(next_change=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentversion",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="contentversion",
            name="next_change",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(look_at_the_schedule_soon, migrations.RunPython.noop),
    ]
