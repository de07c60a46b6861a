from django.db import models


class ContentVersion(models.Model):
    """One row whose number goes up whenever public content changes.

    Cached pages are keyed by it, so a change makes every cached page unreachable at once,
    in every process and on every machine that shares the database.
    """

    value = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return f"content version {self.value}"
