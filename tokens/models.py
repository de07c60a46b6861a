"""API tokens: each belongs to a user and acts with that user's permissions.

Only a SHA-256 hash of a token is stored (tokens are 256 random bits, so a fast hash is
enough); the token itself is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone

PREFIX = "fp_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def issue(self, *, user: AbstractBaseUser, name: str = "") -> IssuedToken:
        secret = PREFIX + secrets.token_urlsafe(32)
        token = self.create(
            user=user, name=name, key_hash=hash_token(secret), key_prefix=secret[:10]
        )
        return IssuedToken(token, secret)

    def authenticate(self, secret: str) -> ApiToken | None:
        if not secret.startswith(PREFIX) or len(secret) > 100:
            return None
        return self.active().select_related("user").filter(key_hash=hash_token(secret)).first()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, blank=True, help_text='What it is for: "Matchday script".'
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField("starts with", max_length=10, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user}{', ' + self.name if self.name else ''})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    def touch(self) -> None:
        """Record use, at most once a minute (a write per request would be wasteful)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
