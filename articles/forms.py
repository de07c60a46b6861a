from __future__ import annotations

from typing import Any

from django import forms

from articles.models import Article


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans them as a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        clean_one = super().clean
        if isinstance(data, (list, tuple)) and data:
            return [clean_one(item, initial) for item in data]
        return [clean_one(data or None, initial)]


class ImportStoriesForm(forms.Form):
    # The form metaclass moves declared fields into base_fields, so this never shadows
    # BaseForm.files (the uploads) at run time; the stubs see a class attribute.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Story files",
        help_text='Plain-text stories (.txt) that start with a line "date YYYY-MM-DD Headline".',
    )
    status = forms.ChoiceField(
        choices=Article.Status.choices,
        initial=Article.Status.PUBLISHED,
        help_text="Status of stories that are new. Updated stories keep theirs.",
    )
    update = forms.BooleanField(
        required=False,
        label="Replace stories whose text changed",
        help_text="Without this, a changed story is reported and left as it is.",
    )
    dry_run = forms.BooleanField(
        required=False, label="Dry run", help_text="Check the files and report; change nothing."
    )
