from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import selectors, services, widgets
from blog.forms import (
    CategoryQuickAddForm,
    PageAdminForm,
    PersonChoiceField,
    PostAdminForm,
    QuickDraftForm,
)
from blog.models import (
    AuthorProfile,
    Category,
    FailedLogin,
    Page,
    Post,
    SiteSettings,
    SocialProfile,
)

# The admin's front page is the editors' desk, with every section one click away: the model
# list down the side of every page only took the room lists need for their columns.
admin.site.enable_nav_sidebar = False
admin.site.index_title = _("Desk")


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
    list_display = [
        "plain_title",
        "status",
        "author_name",
        "category_names",
        "published_at",
        "sticky",
    ]
    list_filter = ["status", "sticky", "format", "categories", "author", "comments_open"]
    list_select_related = ["author__profile"]
    search_fields = ["title", "body_text", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    # The featured image's widget (thumbnail, Choose / Upload / Remove) comes from blog.media
    # (post_admin_extend); without it, the plain id box of a raw id field.
    raw_id_fields = ["featured_media"]
    actions = ["publish", "unpublish", "set_category"]
    # WordPress's layout: the writing on the left, the publish box and filing on the right
    # (post-main / post-side, laid out by admin.css; one column on a phone).
    fieldsets = [
        (None, {"classes": ["post-main"],
                "fields": ["title", "slug", "body", "excerpt", "featured_media"]}),
        (_("Publish"), {"classes": ["post-side", "publish-box"],
                        "fields": ["status", "visibility", "published_at", "author", "sticky",
                                    "format"]}),
        (_("Categories and tags"), {"classes": ["post-side", "post-filing"],
                                    "fields": ["categories", "tags"]}),
        (_("Discussion"), {"classes": ["post-side", "post-discussion"],
                           "fields": ["comments_open", "pings_open"]}),
    ]  # fmt: skip

    class Media:
        js = [
            "blog/admin/tag-autocomplete.js",
            "blog/admin/publish-box.js",
            "blog/admin/post-title.js",
            "blog/admin/autosave.js",
            "blog/admin/post-preview.js",
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        can_add = request.user.has_perm("blog.add_category")
        return type(form.__name__, (form,), {"can_add_category": can_add})

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("categories")
        return qs if edits_others(request) else qs.filter(author=request.user)

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.tag_suggestions_view)
        draft = self.admin_site.admin_view(self.quick_draft_view)
        return [
            path("tag-suggestions/", suggest, name="blog_post_tag_suggestions"),
            path("quick-draft/", draft, name="blog_post_quick_draft"),
            *super().get_urls(),
        ]

    def quick_draft_view(self, request):
        """The desk's quick draft box: a title and some text become a draft, then the desk."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuickDraftForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("A draft needs a title."), messages.ERROR)
            return redirect("admin:index")
        post = services.post_quick_draft(author=request.user, **form.cleaned_data)
        url = reverse("admin:blog_post_change", args=[post.pk])
        msg = format_html(_('Draft saved: <a href="{}">{}</a>'), url, post.title_text)
        self.message_user(request, msg, messages.SUCCESS)
        return redirect("admin:index")

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["form_class"] = PersonChoiceField
            kwargs["queryset"] = db_field.related_model.objects.select_related("profile")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)  # with PostFollowersMixin's
        # As on WordPress, only editors choose the author or make a post sticky.
        return [*fields] if edits_others(request) else [*fields, "author", "sticky"]

    def get_list_filter(self, request):
        return self.list_filter if edits_others(request) else ["status", "categories"]

    def save_model(self, request, obj, form, change):
        if not change and not edits_others(request):
            obj.author = request.user
        # The publish box's buttons say what they do (admin/blog/post/_publish_actions.html).
        keeps_draft = "_save_draft" in request.POST or "_preview" in request.POST
        if keeps_draft and obj.status not in (Post.Status.DRAFT, Post.Status.PENDING):
            obj.status = Post.Status.DRAFT
        elif "_publish" in request.POST and obj.status != Post.Status.PRIVATE:
            obj.status = Post.Status.PUBLISHED  # Post.save makes it scheduled when in the future
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return self.response_publish_box(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self.response_publish_box(request, obj) or super().response_change(request, obj)

    def response_publish_box(self, request, obj):
        """Save draft and Preview stay on the form (Preview opens the preview in a new tab:
        a saved post's by its button's formtarget, a new one's by post-preview.js); a
        scheduled post says when it goes out."""
        change_url = reverse("admin:blog_post_change", args=[obj.pk])
        if "_preview" in request.POST and request.resolver_match.url_name.endswith("_change"):
            return redirect(obj.get_absolute_url())
        if "_preview" in request.POST and "application/json" in request.headers.get("Accept", ""):
            # A new post's Preview (post-preview.js): the tab it opened shows the preview, and
            # the form's own tab goes on as the draft's change form.
            self.message_user(request, _("Draft saved."), messages.SUCCESS)
            return JsonResponse({"preview": obj.get_absolute_url(), "change": change_url})
        if "_preview" in request.POST:
            link = format_html('<a href="{}" target="_blank">{}</a>', obj.get_absolute_url(),
                               _("Open the preview"))  # fmt: skip
            self.message_user(request, format_html(_("Draft saved. {}"), link), messages.SUCCESS)
            return redirect(change_url)
        if "_save_draft" in request.POST:
            self.message_user(request, _("Draft saved."), messages.SUCCESS)
            return redirect(change_url)
        if obj.status == Post.Status.SCHEDULED:
            when = date_format(timezone.localtime(obj.published_at), "j M Y, H:i")
            self.message_user(request, _("Scheduled for %(when)s.") % {"when": when})
        return None

    @admin.display(description=_("Title"), ordering="title")
    def plain_title(self, post):
        """The title as text: markup a WordPress title kept (<em>) shows as its words."""
        return post.title_text

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

    def get_urls(self):
        add = self.admin_site.admin_view(self.quick_add_view)
        return [path("quick-add/", add, name="blog_category_quick_add"), *super().get_urls()]

    def quick_add_view(self, request):
        """The post form's "Add new category" (category-tree.js): JSON in, JSON out."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CategoryQuickAddForm(request.POST)
        if not form.is_valid():
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return JsonResponse({"error": " ".join(errors)}, status=400)
        category = form.save()
        return JsonResponse({"id": category.pk, "name": category.name, "depth": category.depth})

    @admin.display(description=_("Name"), ordering="path")
    def indented_name(self, category):
        return indented(category, category.name)

    @admin.display(description=_("Posts"), ordering="num_posts")
    def post_count(self, category):
        return category.num_posts


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

    class Media:
        js = ["blog/admin/image-picker.js"]  # the figure dialog's "Browse…": blog.media's library

    def view_on_site(self, page):
        """The page's own address: editors see a draft or private page there too."""
        return page.get_absolute_url()

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("Title"), ordering="path")
    def indented_title(self, page):
        return indented(page, page.title_text)


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


# Every section of the admin, for the desk's "All sections" link. The plumbing (task queue,
# sites, accounts and groups) sits apart under "System", for superusers only.
SYSTEM_APPS = {"procrastinate", "sites", "auth"}


def sections_view(request):
    app_list = admin.site.get_app_list(request)
    context = {
        **admin.site.each_context(request),
        "title": _("All sections"),
        "sections": [app for app in app_list if app["app_label"] not in SYSTEM_APPS],
        "system": [app for app in app_list if app["app_label"] in SYSTEM_APPS]
        if request.user.is_superuser
        else [],
    }
    return TemplateResponse(request, "admin/sections.html", context)
