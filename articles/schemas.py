import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from apikit import Slug, StrictDateTime, StrictSchema, Text, omittable
from articles.models import Article, ArticleMatch


def _absolute(context: Any, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class RefOut(Schema):
    """A player, staff member or trophy an article mentions."""

    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())


class TagOut(Schema):
    slug: str
    name: str


class MatchRefOut(Schema):
    """A club match the article previews or reports."""

    slug: str
    role: Literal["preview", "report"]
    name: str = Field(description='The teams: "Chelsea v Liverpool" (the score is the match\'s).')
    url: str

    @staticmethod
    def resolve_slug(obj: ArticleMatch) -> str:
        return obj.match.slug

    @staticmethod
    def resolve_name(obj: ArticleMatch) -> str:
        return f"{obj.match.home.short_name} v {obj.match.away.short_name}"

    @staticmethod
    def resolve_url(obj: ArticleMatch, context: Any) -> str:
        return _absolute(context, obj.match.get_absolute_url())


class ImageOut(Schema):
    src: str = Field(description="The largest rendition in the original format.")
    srcset: str
    webp_srcset: str
    width: int
    height: int
    alt: str


class ArticleListOut(Schema):
    slug: str
    title: str
    standfirst: str
    summary: str = Field(description="The standfirst, or the start of the body when there is none.")
    published_at: dt.datetime
    url: str
    word_count: int
    reading_minutes: int
    image: ImageOut | None

    @staticmethod
    def resolve_url(obj: Article, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_image(obj: Article, context: Any) -> dict[str, Any] | None:
        renditions = obj.image_renditions
        if not renditions:
            return None
        return {
            "src": _absolute(context, renditions["src"]),
            "srcset": renditions["srcset"],
            "webp_srcset": renditions["webp_srcset"],
            "width": renditions["width"],
            "height": renditions["height"],
            "alt": obj.image_alt,
        }


class ArticleOut(ArticleListOut):
    status: str
    author: str
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="Rendered, sanitised, with mentions linked.")
    updated_at: dt.datetime
    tags: list[TagOut]
    players: list[RefOut]
    trophies: list[RefOut]
    matches: list[MatchRefOut] = Field(description="The matches it previews or reports.")

    @staticmethod
    def resolve_tags(obj: Article) -> list[Any]:
        return list(obj.tags.all())

    @staticmethod
    def resolve_players(obj: Article) -> list[Any]:
        return list(obj.players.all())

    @staticmethod
    def resolve_trophies(obj: Article) -> list[Any]:
        return list(obj.trophies.all())

    @staticmethod
    def resolve_matches(obj: Article) -> list[ArticleMatch]:
        # Read with the teams by Article.subjects, once for the ETag and this.
        return obj.subjects.matches


Status = Literal["draft", "published"]


class ArticleIn(StrictSchema):
    title: Text = Field(min_length=1, max_length=255)
    slug: Slug | None = Field(None, description="Made from the title if left out.")
    standfirst: Text = Field("", max_length=300)
    body: Text = Field(min_length=1, max_length=200_000, description="Markdown.")
    status: Status = "draft"
    published_at: StrictDateTime | None = Field(
        None, description="Defaults to now; a future time schedules."
    )
    author: Text = Field("", max_length=100)
    tags: list[Slug] = Field([], max_length=20, description="Slugs of existing tags.")


class ArticlePatch(StrictSchema):
    """Only the fields sent change; none of them takes null."""

    title: Text = omittable(min_length=1, max_length=255)
    slug: Slug = omittable()
    standfirst: Text = omittable(max_length=300)
    body: Text = omittable(min_length=1, max_length=200_000)
    status: Status = omittable()
    published_at: StrictDateTime = omittable()
    author: Text = omittable(max_length=100)
    tags: list[Slug] = omittable(max_length=20)


class StoryIn(StrictSchema):
    text: Text = Field(
        min_length=1,
        description='A story file: "date YYYY-MM-DD Headline", a blank line, paragraphs.',
    )
    source_name: Text = Field("api", min_length=1, max_length=200, description="Named in messages.")
    update: bool = Field(False, description="Replace the story if its text changed.")
    force: bool = Field(
        False,
        description=(
            "With update (implied): replace the story even if someone edited it since it was "
            "imported; the edited text stays in its revisions."
        ),
    )
    status: Status = Field("published", description="Status of a newly created story.")
    dry_run: bool = Field(False, description="Report what would happen; change nothing.")


class StoryOut(Schema):
    outcome: Literal["created", "updated", "unchanged", "changed", "edited"]
    message: str
    slug: str | None
    url: str | None
    warnings: list[str]
