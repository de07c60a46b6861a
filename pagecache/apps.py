from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save

# Everything a public page or API response shows comes from these models.
CONTENT_MODELS = [
    "articles.Article", "articles.Tag", "articles.SlugRedirect",
    "players.Player", "trophies.Trophy", "trophies.Honour",
]


def _changed(sender, **kwargs) -> None:
    from pagecache.versioning import bump

    bump(kwargs.get("using") or "default")


class PagecacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        # Models are named by label, so this app imports none of the content apps.
        for label in CONTENT_MODELS:
            model = apps.get_model(label)
            post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{label}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{label}")
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    _changed, sender=field.remote_field.through,
                    dispatch_uid=f"pagecache-m2m-{label}-{field.name}",
                )
