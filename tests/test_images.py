"""Image uploads: only safe JPEG, PNG and WebP, re-encoded, with renditions made on save."""

from __future__ import annotations

import io
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article
from articles.services import article_save
from images.processing import check_image, reencode
from players.models import Player
from players.services import player_save
from revisions.models import Actor, Via

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(fmt: str, size=(1600, 900), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 16, 46) if mode == "RGB" else 0).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def error_of(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        check_image(upload(name, data), name)
    return caught.value.messages[0]


@pytest.mark.parametrize(
    "name, fmt", [("a.jpg", "JPEG"), ("b.jpeg", "JPEG"), ("c.png", "PNG"), ("d.webp", "WEBP")]
)
def test_valid_images_pass(name, fmt):
    assert check_image(upload(name, image_bytes(fmt)), name).format == fmt


def test_jpeg_bytes_named_png_are_refused():
    assert error_of("photo.png", image_bytes("JPEG")) == (
        "“photo.png” is really a JPEG image, not .png: rename it to .jpg or export it again."
    )


def test_a_png_that_declares_100_megapixels_is_refused_before_decoding():
    assert error_of("huge.png", image_bytes("PNG", size=(10_000, 10_000), mode="1")) == (
        "The image is 10,000 × 10,000 pixels; images can have at most 40 megapixels."
    )


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    assert (
        error_of("logo.svg", svg)
        == "“logo.svg” is not a JPEG, PNG or WebP image: upload a .jpg, .png or .webp file."
    )


def test_a_25_mb_file_is_refused():
    assert error_of("big.jpg", b"\xff\xd8" + b"\x00" * (25 * 1024 * 1024)) == (
        "The file is 25.0 MB; images can be at most 10.0 MB."
    )


def test_a_text_file_is_refused():
    assert (
        error_of("notes.jpg", b"just some text") == "“notes.jpg” is not a JPEG, PNG or WebP image."
    )


def test_a_gif_is_refused_by_its_real_format():
    assert (
        error_of("anim.png", image_bytes("GIF"))
        == "“anim.png” is a GIF image; upload a JPEG, PNG or WebP image."
    )


def test_reencoding_drops_appended_html_and_metadata():
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    data = image_bytes("JPEG", exif=exif.tobytes()) + b"<script>alert(1)</script>"
    clean = reencode(upload("x.jpg", data), "x.jpg").read()
    assert b"<script>" not in clean and b"secret description" not in clean
    assert Image.open(io.BytesIO(clean)).format == "JPEG"


def test_png_with_html_appended_is_stored_clean(admin_client, club, media):
    data = image_bytes("PNG") + b"<html><script>alert(1)</script></html>"
    response = post_article(admin_client, upload("cup.png", data))
    assert response.status_code == HTTPStatus.FOUND
    article = Article.objects.get(slug="with-image")
    assert b"<script>" not in (media / article.image.name).read_bytes()


def post_article(client, image, alt="The captain lifts the cup"):
    return client.post(
        "/admin/articles/article/add/",
        {
            "title": "With image",
            "slug": "with-image",
            "body": "Body.",
            "status": "published",
            "published_at_0": "2024-03-01",
            "published_at_1": "12:00:00",
            "image": image,
            "image_alt": alt,
        },
    )


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "a.png",
            image_bytes("JPEG"),
            "“a.png” is really a JPEG image, not .png: rename it to .jpg or export it again.",
        ),
        (
            "a.svg",
            b"<svg/>",
            "“a.svg” is not a JPEG, PNG or WebP image: upload a .jpg, .png or .webp file.",
        ),
        (
            "a.txt",
            b"hello",
            "“a.txt” is not a JPEG, PNG or WebP image: upload a .jpg, .png or .webp file.",
        ),
    ],
)
def test_the_admin_form_shows_a_clear_error_for_refused_files(
    admin_client, club, name, data, message
):
    response = post_article(admin_client, upload(name, data))
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_renditions_are_made_once_on_save_and_used_by_the_page(admin_client, client, club, media):
    assert (
        post_article(admin_client, upload("cup.jpg", image_bytes("JPEG"))).status_code
        == HTTPStatus.FOUND
    )
    article = Article.objects.get(slug="with-image")
    renditions = article.image_renditions
    assert (renditions["width"], renditions["height"]) == (1600, 900)
    assert [part.split(" ")[1] for part in renditions["webp_srcset"].split(", ")] == [
        "480w",
        "800w",
        "1200w",
        "1600w",
    ]
    for part in renditions["srcset"].split(", ") + renditions["webp_srcset"].split(", "):
        assert (media / part.split(" ")[0].removeprefix("/media/")).exists()
    page = client.get("/news/with-image/").content.decode()
    assert f'srcset="{renditions["webp_srcset"]}"' in page
    assert 'width="1600" height="900" alt="The captain lifts the cup" loading="eager"' in page
    # Saving again without changing the image does not redo them.
    before = {p.stat().st_mtime_ns for p in (media / "renditions").rglob("*")}
    article_save(article=Article.objects.get(pk=article.pk), actor=Actor(Via.ADMIN))
    assert {p.stat().st_mtime_ns for p in (media / "renditions").rglob("*")} == before


def test_cards_below_the_fold_load_lazily(client, club, media, make_article):
    article = make_article(title="Pictured", slug="pictured")
    article.image.save("p.jpg", reencode(upload("p.jpg", image_bytes("JPEG")), "p.jpg"), save=False)
    article_save(article=article, actor=Actor(Via.ADMIN))
    make_article(title="Newer", slug="newer")
    page = client.get("/news/").content.decode()
    assert 'class="card__image"' in page and 'loading="lazy"' in page


def test_player_photo_renditions(club, media):
    player = Player.objects.get(slug="virgil-van-dijk")
    photo = reencode(upload("vvd.png", image_bytes("PNG", size=(400, 400))), "vvd.png")
    player.photo.save("vvd.png", photo, save=False)
    player_save(player=player)
    assert [p.split(" ")[1] for p in player.photo_renditions["srcset"].split(", ")] == [
        "160w",
        "320w",
    ]


def test_an_image_needs_alt_text(admin_client, club):
    response = post_article(admin_client, upload("cup.jpg", image_bytes("JPEG")), alt=" ")
    assert "Describe the image for readers who cannot see it." in response.content.decode()
    assert not Article.objects.exists()


def test_an_editor_uploads_a_webp_player_photo_through_the_admin(admin_client, club, media):
    vvd = Player.objects.get(slug="virgil-van-dijk")
    response = admin_client.post(
        f"/admin/players/player/{vvd.pk}/change/",
        {
            "name": vvd.name,
            "slug": vvd.slug,
            "aliases": vvd.aliases,
            "is_current": "on",
            "kind": "player",
            "position": "defender",
            "role": "",
            "shirt_number": "4",
            "nationality": "Netherlands",
            "date_of_birth": "1991-07-08",
            "bio": "",
            "photo": upload("vvd.webp", image_bytes("WEBP", size=(500, 500))),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    vvd.refresh_from_db()
    assert vvd.photo.name.endswith(".webp")
    assert vvd.photo_renditions["srcset"].endswith("320w")


def test_an_unwritable_media_folder_is_a_form_error(admin_client, club, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    response = post_article(admin_client, upload("cup.jpg", image_bytes("JPEG")))
    assert response.status_code == HTTPStatus.OK
    assert (
        "The image could not be stored: the media folder is full or not writable."
        in response.content.decode()
    )
    assert not Article.objects.exists()


class FullDisk(FileSystemStorage):
    def _save(self, name, content):
        raise OSError(28, "No space left on device")


def test_a_full_disk_is_a_form_error(admin_client, club, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.test_images.FullDisk"}}
    response = post_article(admin_client, upload("cup.jpg", image_bytes("JPEG")))
    assert response.status_code == HTTPStatus.OK
    assert "The image could not be stored" in response.content.decode()
    assert not Article.objects.exists()
