from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from blog import selectors, signals
from blog.models import Category, Post, SiteSettings
from blog.xmltext import SafeAtomFeed, SafeRssFeed

FEED_SIZE = 20


class LatestPostsFeed(Feed):
    """The newest published posts; subclasses narrow them to a category, tag or author.

    Titles, names and texts with characters XML cannot carry are cleaned (blog.xmltext).
    """

    feed_type = SafeRssFeed

    def title(self, obj=None):
        site = SiteSettings.load().title
        return f"{site} » {obj}" if obj else site

    def description(self, obj=None):
        return SiteSettings.load().tagline

    def link(self, obj=None):
        return obj.get_absolute_url() if obj is not None else reverse("blog:home")

    def posts(self, obj):
        return Post.objects.published()

    def with_public_posts(self, obj):
        """obj, if at least one public post is in its feed; else Http404 (as its page)."""
        if not self.posts(obj).exists():
            raise Http404("No public post here")
        return obj

    def items(self, obj=None):
        return (
            self.posts(obj)
            .select_related("author__profile", "featured_media")
            .prefetch_related("categories", "featured_media__renditions")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title_text

    def item_description(self, item):
        return item.summary()

    def item_author_name(self, item):
        return item.author.profile.name if hasattr(item.author, "profile") else str(item.author)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]

    def item_enclosures(self, item):
        answers = signals.feed_item_enclosures.send(sender=Post, post=item)
        return [enclosure for _receiver, enclosures in answers for enclosure in enclosures]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = SafeAtomFeed
    subtitle = LatestPostsFeed.description


class CategoryFeed(LatestPostsFeed):
    def __call__(self, request, *args, **kwargs):
        """A nested category's short address (/category/child/feed/) redirects to its full one,
        as the category page does."""
        path = kwargs["path"].strip("/")
        found = not Category.objects.filter(path=path).exists() and (
            selectors.category_by_short_path(path)
        )
        if found:
            name = request.resolver_match.view_name  # the RSS or the Atom feed
            return HttpResponsePermanentRedirect(reverse(name, kwargs={"path": found.path}))
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, path):
        return self.with_public_posts(get_object_or_404(Category, path=path.strip("/")))

    def posts(self, obj):
        return Post.objects.published().in_category(obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = SafeAtomFeed
    subtitle = LatestPostsFeed.description


class TagFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return self.with_public_posts(get_object_or_404(selectors.tags(), slug=slug))

    def link(self, obj=None):
        return reverse("blog:tag", kwargs={"slug": obj.slug})

    def posts(self, obj):
        return Post.objects.published().filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = SafeAtomFeed
    subtitle = LatestPostsFeed.description


class AuthorFeed(LatestPostsFeed):
    def get_object(self, request, username):
        user = get_object_or_404(get_user_model(), username=username)
        return self.with_public_posts(user)

    def link(self, obj=None):
        return reverse("blog:author", kwargs={"username": obj.get_username()})

    def posts(self, obj):
        return Post.objects.published().filter(author=obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = SafeAtomFeed
    subtitle = LatestPostsFeed.description
