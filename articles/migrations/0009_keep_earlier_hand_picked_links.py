"""Links an editor picked by hand before 0008 were stored with the found ones, in `players`
and `trophies`. Keep them: every link the article's text does not name becomes a pick, so
the first relink after the upgrade does not drop it."""

from django.db import migrations


def names(name: str, aliases: str) -> list[str]:
    return [name, *(line.strip() for line in aliases.splitlines() if line.strip())]


def keep_hand_picked(apps, schema_editor):
    from articles.mentions import MentionIndex, Target

    Article = apps.get_model("articles", "Article")
    Player = apps.get_model("players", "Player")
    Trophy = apps.get_model("trophies", "Trophy")
    index = MentionIndex(
        [(Target("player", p.pk, ""), names(p.name, p.aliases)) for p in Player.objects.all()]
        + [(Target("trophy", t.pk, ""), names(t.name, t.aliases)) for t in Trophy.objects.all()]
    )
    for article in Article.objects.prefetch_related("players", "trophies").iterator(chunk_size=500):
        found = index.mentions(article.title, article.standfirst, article.body)
        people = {p.pk for p in article.players.all()} - found.player_ids
        cups = {t.pk for t in article.trophies.all()} - found.trophy_ids
        if people:
            article.picked_players.add(*people)
        if cups:
            article.picked_trophies.add(*cups)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_picked_links_and_version"),
        ("players", "0004_card_html"),
        ("trophies", "0003_trophy_image_renditions_alter_trophy_image"),
    ]

    operations = [migrations.RunPython(keep_hand_picked, migrations.RunPython.noop)]
