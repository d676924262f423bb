"""The admin's forms for posts and pages: the editor, the publish box's visibility, names."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse, reverse_lazy
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from taggit.forms import TagWidget
from taggit.models import Tag

from blog.models import Category, Page, Post

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Image": True,
    "Figure": {"pickerUrl": reverse_lazy("admin:media_image_picker")},  # blog.media.admin
    "Caption": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Code": True,
    "CodeBlock": True,
    "History": True,
    "HTML": True,
}


class CategoryTreeField(forms.ModelMultipleChoiceField):
    """Categories as a checkbox tree (WordPress's box): each indented by its depth, with a
    box under it to add a category in place (category-tree.js)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", CategoryTreeWidget)
        super().__init__(Category.objects.order_by("path"), **kwargs)

    def label_from_instance(self, category):
        return category.name


class CategoryTreeWidget(forms.CheckboxSelectMultiple):
    template_name = "blog/forms/category_tree.html"  # app templates: the form renderer's

    class Media:
        js = ["blog/admin/category-tree.js"]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        depth = min(value.instance.depth, 9) if value else 0
        option["depth"], option["indent"] = depth, "– " * depth
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        can_add = getattr(self, "can_add", False)
        context["add_url"] = reverse("admin:blog_category_quick_add") if can_add else ""
        return context


class PostAdminForm(forms.ModelForm):
    body = ProseEditorFormField(label=_("Body"), required=False, extensions=EDITOR_EXTENSIONS)
    categories = CategoryTreeField(label=_("Categories"), required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=[("public", _("Public")), ("private", _("Private: editors only"))],
        widget=forms.RadioSelect,
        initial="public",
        required=False,
    )
    # Optional: a form that leaves it out (an older client, a script) means standard.
    format = forms.TypedChoiceField(
        label=_("Format"), choices=Post.Format.choices, required=False,
        empty_value=Post.Format.STANDARD, help_text=Post._meta.get_field("format").help_text,
    )  # fmt: skip

    class Meta:
        model = Post
        fields = [
            "title", "slug", "body", "excerpt", "featured_media", "status", "published_at",
            "author", "sticky", "format", "categories", "tags", "comments_open", "pings_open",
        ]  # fmt: skip
        error_messages = {
            "slug": {
                "unique": _(
                    "Another post already has this address. Change the slug, or empty it to "
                    "have a free one made from the title."
                )
            }
        }
        help_texts = {
            "tags": _("Type a tag and press Enter (or a comma); existing tags are suggested.")
        }
        widgets = {
            # A headline of 300 characters is read whole: a box that grows with it (admin.css),
            # in the direction of its own script (a Persian title right to left).
            "title": forms.Textarea(attrs={"rows": 1, "dir": "auto", "class": "post-title"}),
            "tags": TagWidget(
                attrs={
                    "class": "vTextField tag-autocomplete",
                    "data-suggest-url": reverse_lazy("admin:blog_post_tag_suggestions"),
                    "autocomplete": "off",
                }
            ),
        }

    can_add_category = False  # PostAdmin.get_form sets it for those who may

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "categories" in self.fields:
            self.fields["categories"].widget.can_add = self.can_add_category
        # Private is a visibility, as on WordPress: the status box keeps the workflow.
        if "status" in self.fields:
            choices = self.fields["status"].choices
            self.fields["status"].choices = [c for c in choices if c[0] != Post.Status.PRIVATE]
        if self.instance.status == Post.Status.PRIVATE:
            self.initial.update(visibility="private", status=Post.Status.PUBLISHED)

    def clean(self):
        data = super().clean()
        if data.get("visibility") == "private":
            data["status"] = Post.Status.PRIVATE
        return data

    def clean_title(self):
        """One line: the Enter key, or a headline pasted with line breaks, adds no newline."""
        return " ".join(self.cleaned_data["title"].split())

    def clean_tags(self):
        """taggit keeps a tag's name in a 100-character column: a longer one is refused here,
        with the post and everything typed in the form kept, instead of failing on save."""
        names = self.cleaned_data["tags"]
        limit = Tag._meta.get_field("name").max_length
        errors = [
            ValidationError(
                _("A tag can have at most %(limit)d characters; “%(start)s…” has %(length)d."),
                params={"limit": limit, "start": name[:40], "length": len(name)},
            )
            for name in names
            if len(name) > limit
        ]
        if errors:
            raise ValidationError(errors)
        return names


class QuickDraftForm(forms.Form):
    """The desk's quick draft. A title of only spaces with some text takes the text's first
    words, so what was typed is never thrown away (WordPress keeps such a draft as "no title")."""

    title = forms.CharField(required=False, max_length=Post._meta.get_field("title").max_length)
    text = forms.CharField(required=False, max_length=100_000)

    def clean(self):
        data = super().clean()
        if not data.get("title") and data.get("text"):
            data["title"] = Truncator(" ".join(data["text"].split())).words(8, truncate="…")
        if not data.get("title") and not self.errors:
            raise ValidationError(_("A draft needs a title."), code="required")
        return data


class PersonChoiceField(forms.ModelChoiceField):
    """People by the name readers see on bylines (display name), not their user name."""

    def label_from_instance(self, user):
        profile = getattr(user, "profile", None)
        return profile.name if profile else user.get_full_name() or user.get_username()


class PageAdminForm(forms.ModelForm):
    body = ProseEditorFormField(label=_("Body"), required=False, extensions=EDITOR_EXTENSIONS)

    class Meta:
        model = Page
        fields = [
            "title", "slug", "parent", "body", "excerpt", "status", "published_at", "author",
            "menu_order", "show_in_menu",
        ]  # fmt: skip


class CategoryQuickAddForm(forms.ModelForm):
    """The post form's "Add new category": a name and a parent, checked like the admin's."""

    class Meta:
        model = Category
        fields = ["name", "parent"]
