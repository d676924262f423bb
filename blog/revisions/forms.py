import html

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from blog.sanitize import html_text

MAX_BODY = 2_000_000  # characters: far over any post, under a request's size limit


class AutosaveForm(forms.Form):
    """What autosave.js sends of the post form: the title, the excerpt and the body."""

    title = forms.CharField(
        label=_("title"), required=False, strip=False,
        max_length=Post._meta.get_field("title").max_length,
    )  # fmt: skip
    excerpt = forms.CharField(label=_("excerpt"), required=False, max_length=10_000)
    body = forms.CharField(label=_("body"), required=False, strip=False, max_length=MAX_BODY)

    def clean_excerpt(self) -> str:
        """Plain text on one line, as Post.save keeps an excerpt."""
        return " ".join(html.unescape(strip_tags(self.cleaned_data["excerpt"])).split())

    def has_text(self) -> bool:
        """Whether anything was typed: an empty form makes no draft."""
        data = self.cleaned_data
        texts = (data["title"], data["excerpt"], html_text(data["body"]))
        return any(text.strip() for text in texts)
