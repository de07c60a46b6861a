from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

from images.processing import reencode

STORAGE_FAILED = (
    "The image could not be stored: the media folder is full or not writable. Nothing was "
    "saved; please tell the site's administrator."
)

ACCEPT = "image/jpeg,image/png,image/webp"


class SafeImageFormField(forms.FileField):
    """Checks an upload and hands the model a re-encoded copy, never the uploaded bytes."""

    widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})

    def to_python(self, data: Any) -> Any:
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        # FileField.to_python() refuses a file without a name.
        clean = reencode(uploaded, uploaded.name or "")
        probe_storage(clean)
        return clean


class SafeImageField(models.ImageField):
    """An ImageField whose forms accept only safe JPEG, PNG and WebP uploads."""

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})


def probe_storage(content: ContentFile) -> None:
    """Write the image once where uploads go, and remove it: a full disk or a read-only media
    folder becomes a form error here, instead of a server error when the model is saved."""
    try:
        probe = default_storage.save(
            f"upload-check/{uuid.uuid4().hex}", ContentFile(content.read())
        )
        default_storage.delete(probe)
    except OSError:
        raise ValidationError(STORAGE_FAILED, code="storage") from None
    finally:
        content.seek(0)
