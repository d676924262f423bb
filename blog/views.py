from datetime import timedelta
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.csrf import requires_csrf_token

from blog import selectors
from blog.models import Category, Page, Post


class PostListMixin:
    """Published posts, paginated by the site setting, with what list templates show."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"
    allow_empty = True

    def get_paginate_by(self, queryset):
        return self.request.site_settings.posts_per_page

    def get_queryset(self):
        return Post.objects.published().for_lists()


class HomeView(PostListMixin, generic.ListView):
    def get_queryset(self):
        return selectors.home_posts()  # the first pages in SQL written once per process


class ArchiveMixin(PostListMixin):
    """A category, tag or author page: 404 when no public post is in it, so the name of one
    used only by drafts, private or scheduled posts is not revealed (as date archives)."""

    allow_empty = False

    def get(self, request, *args, **kwargs):
        """As ListView's, without its own EXISTS query for allow_empty: the paginator, told
        not to allow an empty first page, answers 404 for one already (one query less)."""
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())


class CategoryView(ArchiveMixin, generic.ListView):
    def get(self, request, *args, **kwargs):
        path = self.kwargs["path"].strip("/")
        self.category = Category.objects.filter(path=path).first()
        if self.category is None:  # /category/child/ for parent/child: WordPress redirects
            found = selectors.category_by_short_path(path)
            if found is None:
                raise Http404("No such category")
            query = f"?{request.GET.urlencode()}" if request.GET else ""
            return redirect(found.get_absolute_url() + query, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.category_posts(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=self.category, archive_kind="category", **kwargs)


class TagView(ArchiveMixin, generic.ListView):
    def get_queryset(self):
        self.tag = get_object_or_404(selectors.tags(), slug=self.kwargs["slug"])
        return selectors.tag_posts(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=self.tag, archive_kind="tag", **kwargs)


class AuthorView(ArchiveMixin, generic.ListView):
    def get_queryset(self):
        users = get_user_model().objects.select_related("profile")
        self.author = get_object_or_404(users, username=self.kwargs["username"])
        return selectors.author_posts(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=self.author, archive_kind="author", **kwargs)


def _no_period(self, date):
    return None


class DateArchiveMixin(PostListMixin):
    """A year, month or day of posts. Django's date views also read the periods inside it
    with posts (date_list) and the next and previous periods with posts (next_month, ...):
    a query each, the latter reading whole summaries; no template shows them, so they are
    None here."""

    allow_empty = False
    date_field = "published_at"
    month_format = "%m"
    allow_future = False
    get_next_year = get_previous_year = get_next_month = get_previous_month = _no_period
    get_next_day = get_previous_day = _no_period

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return None

    def get_dated_queryset(self, **lookup):
        """The period's public posts in SQL written once per process (blog.selectors); 404
        when it has none, as Django's, by the count the paginator then uses again."""
        posts = selectors.period_posts(lookup["published_at__gte"], lookup["published_at__lt"])
        if not posts.count():
            raise Http404(_("No %(verbose_name_plural)s available")
                          % {"verbose_name_plural": Post._meta.verbose_name_plural})  # fmt: skip
        return posts


class YearView(DateArchiveMixin, generic.YearArchiveView):
    make_object_list = True


class MonthView(DateArchiveMixin, generic.MonthArchiveView):
    pass


class DayView(DateArchiveMixin, generic.DayArchiveView):
    pass


class SearchView(PostListMixin, generic.ListView):
    template_name = "blog/search.html"

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        return selectors.post_search(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        if context["page_obj"].number == 1:  # matching pages head the first page of results
            context["pages"] = selectors.page_search(self.query)
        return context


def post_detail(request, year, month, day, slug):
    post = selectors.post_for_page(slug)
    if post is None:
        raise Http404("No Post matches the given query.")  # as get_object_or_404 said
    preview = not post.is_public
    if preview and not post.editable_by(request.user):
        raise Http404("No such post")
    if unquote(post.get_absolute_url()) != request.path:  # request.path is decoded
        return redirect(post, permanent=True)
    context = {"post": post, "preview": preview, **selectors.post_neighbours(post)}
    if not preview:
        request.counted_post_id = post.pk  # for the visitor count (blog.stats)
    return render(request, "blog/post_detail.html", context)


def page_detail(request, path):
    """A static page at its path; editors also see private pages and previews of drafts."""
    page = get_object_or_404(Page, path=path)
    if not page.visible_to(request.user):
        raise Http404("No such page")
    context = {"page": page, "preview": not page.is_public, **selectors.page_family(page)}
    return render(request, "blog/page.html", context)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


SECURITY_TXT_LIFETIME = timedelta(days=30)


def security_txt(request):
    """RFC 9116's security.txt: the SECURITY_CONTACT addresses, an Expires date 30 days on.

    Written from the running configuration on every request, so it is as current as the
    deployment; the short Expires (the RFC asks for less than a year) tells a reader holding an
    old copy to fetch it again, and makes a copy of a site that stopped answering go stale.
    """
    expires = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [
        *(f"Contact: {contact}" for contact in settings.SECURITY_CONTACT),
        f"Expires: {expires + SECURITY_TXT_LIFETIME:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without its security cookie (expired, or cookies off): say what to do."""
    return render(request, "403.html", {"csrf_failed": True}, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # No context processors: the database may be the reason we are here.
    return HttpResponse(render_plain("500.html"), status=500)


def render_plain(template_name):
    from django.template import loader

    return loader.get_template(template_name).render({})
