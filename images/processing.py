from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name → the extensions a file of that format may carry.
FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",)}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPTED = "a JPEG, PNG or WebP image"
MEGABYTE = 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int


def check_image(file: Any, name: str) -> CheckedImage:
    """Refuse anything but a JPEG, PNG or WebP of sane size, with a message that says why."""
    max_bytes = settings.FANPORTAL_IMAGE_MAX_BYTES
    max_pixels = settings.FANPORTAL_IMAGE_MAX_PIXELS
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"The file is {_megabytes(size)}; images can be at most {_megabytes(max_bytes)}.",
            code="too_large",
        )
    extension = PurePosixPath(name).suffix.lower()
    if extension == ".svg" or extension not in {e for exts in FORMATS.values() for e in exts}:
        raise ValidationError(
            f"“{name}” is not {ACCEPTED}: upload a .jpg, .png or .webp file.", code="extension"
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Size is checked below against our own, lower limit, before any pixels are decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format, (width, height) = image.format, image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        f"The image is {width:,} × {height:,} pixels; images can have at most "
                        f"{max_pixels // 1_000_000} megapixels.",
                        code="too_many_pixels",
                    )
                image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(f"“{name}” is not {ACCEPTED}.", code="not_an_image") from None
    except Exception:
        raise ValidationError(f"“{name}” is damaged and cannot be read.", code="damaged") from None
    finally:
        file.seek(0)
    if image_format not in FORMATS:
        raise ValidationError(
            f"“{name}” is a {image_format} image; upload {ACCEPTED}.", code="format"
        )
    if extension not in FORMATS[image_format]:
        raise ValidationError(
            f"“{name}” is really a {image_format} image, not {extension}: rename it to "
            f"{FORMATS[image_format][0]} or export it again.",
            code="mismatch",
        )
    return CheckedImage(image_format, width, height)


def _save_kwargs(image_format: str) -> dict[str, Any]:
    if image_format == "JPEG":
        return {"quality": 85, "optimize": True, "progressive": True}
    if image_format == "WEBP":
        return {"quality": 82, "method": 4}
    return {"optimize": True}


def _flatten(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    return image


def reencode(file: Any, name: str) -> ContentFile:
    """Check, then decode and encode again: no metadata, nothing appended, upright."""
    checked = check_image(file, name)
    with Image.open(file) as opened:
        image = _flatten(ImageOps.exif_transpose(opened), checked.format)
        buffer = io.BytesIO()
        image.save(buffer, format=checked.format, **_save_kwargs(checked.format))
    stem = PurePosixPath(name).stem or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}{FORMATS[checked.format][0]}")


def make_renditions(field_file: Any, widths: tuple[int, ...]) -> dict[str, Any]:
    """Resized copies at each width no wider than the original, in WebP and the original
    format; returns what a <picture> element needs, to be stored on the row."""
    field_file.open("rb")
    try:
        with Image.open(field_file) as opened:
            opened.load()
            # Image.open() names the format of every file it opens (None is for images made
            # in memory), and uploads were checked to be JPEG, PNG or WebP.
            assert opened.format is not None
            image_format = opened.format
            width, height = opened.size
            source = _flatten(opened, image_format)
            stem = PurePosixPath(field_file.name).with_suffix("")
            sizes = sorted({w for w in widths if w < width} | {min(width, max(widths))})
            out_formats = list(dict.fromkeys(["WEBP", image_format]))
            sources: dict[str, list[list[Any]]] = {CONTENT_TYPES[f]: [] for f in out_formats}
            for target in sizes:
                box = (target, max(1, round(height * target / width)))
                resized = source.resize(box, Image.Resampling.LANCZOS)
                for out_format in out_formats:
                    buffer = io.BytesIO()
                    resized.save(buffer, format=out_format, **_save_kwargs(out_format))
                    path = f"renditions/{stem}-{target}w{FORMATS[out_format][0]}"
                    if default_storage.exists(path):
                        default_storage.delete(path)
                    saved = default_storage.save(path, ContentFile(buffer.getvalue()))
                    sources[CONTENT_TYPES[out_format]].append([target, default_storage.url(saved)])
    finally:
        field_file.close()
    fallback = sources[CONTENT_TYPES[image_format]]
    return {
        "source": field_file.name,
        "width": width,
        "height": height,
        "src": fallback[-1][1],
        "webp_srcset": _srcset(sources["image/webp"]),
        "srcset": _srcset(fallback),
    }


def _srcset(items: list[list[Any]]) -> str:
    return ", ".join(f"{url} {width}w" for width, url in items)


def sync_renditions(instance: Any, field: str, store: str, widths: tuple[int, ...]) -> bool:
    """Bring the stored renditions in line with the image field, after the row is saved;
    say whether they changed.

    Does nothing (and no I/O) when the image has not changed since they were made.
    """
    field_file = getattr(instance, field)
    stored = getattr(instance, store) or {}
    if (field_file.name or "") == stored.get("source", ""):
        return False
    renditions = make_renditions(field_file, widths) if field_file else {}
    setattr(instance, store, renditions)
    type(instance).objects.filter(pk=instance.pk).update(**{store: renditions})
    return True
