from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.fields import ProseEditorFormField

from blog import services
from blog.models import AuthorProfile, Category, Post, SiteSettings

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
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Image": True,
    "Figure": True,
    "Caption": True,
    "Table": True,
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
            "title", "slug", "body", "excerpt", "featured_image", "status", "published_at",
            "author", "sticky", "categories", "tags", "comments_open", "pings_open",
        ]  # fmt: skip
        widgets = {"tags": forms.TextInput(attrs={"class": "vTextField tag-autocomplete"})}


class PostActionForm(ActionForm):
    category = forms.ModelChoiceField(
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
    actions = ["publish", "unpublish", "set_category"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt", "featured_image"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author", "sticky"]}),
        (_("Filing"), {"fields": ["categories", "tags"]}),
        (_("Discussion"), {"fields": ["comments_open", "pings_open"]}),
    ]

    class Media:
        js = ["blog/admin/tag-autocomplete.js"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("categories")
        return qs if edits_others(request) else qs.filter(author=request.user)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        return [] if edits_others(request) else ["author"]

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
        category = Category.objects.filter(pk=request.POST.get("category") or None).first()
        if category is None:
            self.message_user(request, _("Choose a category first."), messages.ERROR)
            return
        count = services.posts_add_category(posts=queryset, category=category)
        msg = ngettext("%(n)d post filed under %(c)s.", "%(n)d posts filed under %(c)s.", count) % {
            "n": count,
            "c": category,
        }
        self.message_user(request, msg, messages.SUCCESS)


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
        return format_html(
            '<span style="padding-left:{}em">{}{}</span>',
            category.depth * 1.5,
            "└ " if category.depth else "",
            category.name,
        )

    @admin.display(description=_("Posts"), ordering="num_posts")
    def post_count(self, category):
        return category.num_posts


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "website"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__username", "user__email"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
