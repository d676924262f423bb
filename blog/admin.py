from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.fields import ProseEditorFormField
from taggit.forms import TagWidget
from taggit.models import Tag

from blog import selectors, services, widgets
from blog.models import (
    AuthorProfile,
    Category,
    FailedLogin,
    Page,
    Post,
    SiteSettings,
    SocialProfile,
)

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


class PostAdminForm(forms.ModelForm):
    body = ProseEditorFormField(label=_("Body"), required=False, extensions=EDITOR_EXTENSIONS)

    class Meta:
        model = Post
        fields = [
            "title", "slug", "body", "excerpt", "featured_media", "status", "published_at",
            "author", "sticky", "categories", "tags", "comments_open", "pings_open",
        ]  # fmt: skip
        widgets = {
            "tags": TagWidget(
                attrs={
                    "class": "vTextField tag-autocomplete",
                    "data-suggest-url": reverse_lazy("admin:blog_post_tag_suggestions"),
                    "autocomplete": "off",
                }
            )
        }

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


class ActionCategoryField(forms.ModelChoiceField):
    """A category that was deleted meanwhile is no choice, so “Set category” can say so."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class PostActionForm(ActionForm):
    category = ActionCategoryField(
        Category.objects.all(), required=False, label=_("Category for “Set category”")
    )


def edits_others(request):
    """Editors work on everyone's posts; authors only see and change their own."""
    return request.user.has_perm("blog.edit_others_posts")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    action_form = PostActionForm
    list_display = ["title", "status", "author_name", "category_names", "published_at", "sticky"]
    list_filter = ["status", "sticky", "categories", "author", "comments_open"]
    list_select_related = ["author__profile"]
    search_fields = ["title", "body_text", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories"]
    raw_id_fields = ["featured_media"]  # the lookup opens the image library with thumbnails
    actions = ["publish", "unpublish", "set_category"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt", "featured_media"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author", "sticky"]}),
        (_("Filing"), {"fields": ["categories", "tags"]}),
        (_("Discussion"), {"fields": ["comments_open", "pings_open"]}),
    ]

    class Media:
        js = ["blog/admin/tag-autocomplete.js"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("categories")
        return qs if edits_others(request) else qs.filter(author=request.user)

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.tag_suggestions_view)
        return [
            path("tag-suggestions/", suggest, name="blog_post_tag_suggestions"),
            *super().get_urls(),
        ]

    def tag_suggestions_view(self, request):
        """Existing tag names for the tags field's autocomplete (tag-autocomplete.js)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return JsonResponse({"tags": selectors.tag_suggestions(request.GET.get("q", ""))})

    def view_on_site(self, post):
        """The post's own address, on the host the editor uses: a draft opens as a preview."""
        return post.get_absolute_url()

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)  # with PostFollowersMixin's
        # As on WordPress, only editors choose the author or make a post sticky.
        return [*fields] if edits_others(request) else [*fields, "author", "sticky"]

    def get_list_filter(self, request):
        return self.list_filter if edits_others(request) else ["status", "categories"]

    def save_model(self, request, obj, form, change):
        if not change and not edits_others(request):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Author"), ordering="author__username")
    def author_name(self, post):
        profile = getattr(post.author, "profile", None)
        return profile.name if profile else post.author.get_username()

    @admin.display(description=_("Categories"))
    def category_names(self, post):
        return ", ".join(category.name for category in post.categories.all())

    @admin.action(description=_("Publish selected posts now"))
    def publish(self, request, queryset):
        count = services.posts_publish(posts=queryset)
        msg = ngettext("%d post published.", "%d posts published.", count) % count
        self.message_user(request, msg, messages.SUCCESS)

    @admin.action(description=_("Unpublish selected posts (back to draft)"))
    def unpublish(self, request, queryset):
        count = services.posts_unpublish(posts=queryset)
        msg = ngettext("%d post unpublished.", "%d posts unpublished.", count) % count
        self.message_user(request, msg, messages.SUCCESS)

    @admin.action(description=_("Set category (choose it below the list)"))
    def set_category(self, request, queryset):
        category = self.action_form.base_fields["category"].clean(request.POST.get("category"))
        if category is None:
            self.message_user(request, _("Choose a category first."), messages.ERROR)
            return
        count = services.posts_add_category(posts=queryset, category=category)
        msg = ngettext("%(n)d post filed under %(c)s.", "%(n)d posts filed under %(c)s.", count) % {
            "n": count,
            "c": category,
        }
        self.message_user(request, msg, messages.SUCCESS)


def indented(node, label):
    """A category's or page's name in the list, indented by its depth in the tree."""
    return format_html(
        '<span class="tree-depth-{}">{}{}</span>',  # classes in admin.css: the CSP bars style=""
        min(node.depth, 9),
        "└ " if node.depth else "",
        label,
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "slug", "path", "post_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "parent", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_posts=Count("posts"))

    @admin.display(description=_("Name"), ordering="path")
    def indented_name(self, category):
        return indented(category, category.name)

    @admin.display(description=_("Posts"), ordering="num_posts")
    def post_count(self, category):
        return category.num_posts


class PageAdminForm(forms.ModelForm):
    body = ProseEditorFormField(label=_("Body"), required=False, extensions=EDITOR_EXTENSIONS)

    class Meta:
        model = Page
        fields = [
            "title", "slug", "parent", "body", "excerpt", "status", "published_at", "author",
            "menu_order", "show_in_menu",
        ]  # fmt: skip


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """Static pages; the body goes through the same editor and sanitising as posts."""

    form = PageAdminForm
    list_display = ["indented_title", "status", "path", "menu_order", "show_in_menu", "updated_at"]
    list_filter = ["status", "show_in_menu", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "body", "excerpt"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author"]}),
        (_("Menu"), {"fields": ["show_in_menu", "menu_order"]}),
    ]

    def view_on_site(self, page):
        """The page's own address: editors see a draft or private page there too."""
        return page.get_absolute_url()

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("Title"), ordering="path")
    def indented_title(self, page):
        return indented(page, page.title)


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "website"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__username", "user__email"]


class SocialProfileForm(forms.ModelForm):
    def clean_url(self):
        """An email address typed as it is becomes a mailto: link before the link check."""
        url = self.cleaned_data["url"].strip()
        if self.data.get(self.add_prefix("kind")) == SocialProfile.Kind.EMAIL and ":" not in url:
            return f"mailto:{url}" if url else url
        return url


class SocialProfileInline(admin.TabularInline):
    """The "Follow us" profiles, shown in the order of their numbers (then as added)."""

    model = SocialProfile
    form = SocialProfileForm
    fields = ["position", "kind", "url", "follow_box", "name"]
    extra = 1


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    inlines = [SocialProfileInline]

    def changelist_view(self, request, extra_context=None):
        """There is only one row: open it."""
        return redirect("admin:blog_sitesettings_change", SiteSettings.load().pk)

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "sidebar_widgets":
            field.help_text = widgets.sidebar_help()  # lists the widgets other features added
        return field


def post_admin_extend(*, mixin=None, inline=None) -> None:
    """Let a feature add to the post form without blog importing the feature.

    mixin: a class placed before the registered PostAdmin (its methods call super());
    inline: an InlineModelAdmin appended to the form's inlines. Call it from the feature's
    admin.py; blog's admin is loaded first (INSTALLED_APPS order)."""
    current = type(admin.site._registry[Post])
    bases = (mixin, current) if mixin else (current,)
    extra = {"inlines": [*current.inlines, inline]} if inline else {}
    admin.site.unregister(Post)
    admin.site.register(Post, type("PostAdmin", bases, extra))


@admin.register(FailedLogin)
class FailedLoginAdmin(admin.ModelAdmin):
    """Failed and refused log-ins, for editors to spot someone guessing passwords."""

    list_display = ["at", "username", "ip_address", "outcome", "path"]
    list_filter = ["outcome", "path"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
