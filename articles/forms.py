"""The admin's story upload form (articles.admin_import)."""

from __future__ import annotations

from typing import Any

from django import forms

from articles.models import Article


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans them as a list.

    Empty files are accepted: the importer refuses each bad file by name with the parser's
    reason, and imports the others, instead of a form error that drops the whole selection.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        clean_one = super().clean
        if isinstance(data, (list, tuple)) and data:
            return [clean_one(item, initial) for item in data]
        return [clean_one(data or None, initial)]


class ImportStoriesForm(forms.Form):
    """The options of `import_stories`, for editors; contributors get files and a draft
    status only (the page removes `update` and `force`). The labels of `update` and `force`
    are also how the page's results name them ("tick “Replace changed stories”")."""

    # The form metaclass moves declared fields into base_fields, so this never shadows
    # BaseForm.files (the uploads) at run time; the stubs see a class attribute.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Story files",
        help_text=(
            'Plain-text stories (.txt) that start with a line "date YYYY-MM-DD Headline". '
            "Each file is imported on its own: a bad one is listed and the others still import."
        ),
    )
    status = forms.ChoiceField(
        choices=Article.Status.choices,
        # Draft unless the editor asks: an upload should not put stories live by surprise.
        initial=Article.Status.DRAFT,
        help_text="Status of stories that are new. Updated stories keep theirs.",
    )
    update = forms.BooleanField(
        required=False,
        label="Replace changed stories",
        help_text=(
            "Replace stories whose text changed since they were imported. Without this, a "
            "changed story is reported and left as it is. A story someone edited here since "
            "it was imported is still left alone."
        ),
    )
    force = forms.BooleanField(
        required=False,
        label="Replace edited stories too",
        help_text=(
            "Also replace stories someone edited since they were imported (implies the box "
            "above). The edited text stays in the article's history."
        ),
    )
    dry_run = forms.BooleanField(
        required=False, label="Dry run", help_text="Check the files and report; change nothing."
    )
