from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from blog.models import Post, SiteSettings
from blog.xmltext import SafeAtomFeed, SafeRssFeed
from comments import selectors
from comments.templatetags.comments_tags import comment_text

FEED_SIZE = 30


class LatestCommentsFeed(Feed):
    """The newest approved comments on the whole blog; the post feed narrows them to one post.

    A comment pasted with control characters is cleaned for the feed only (blog.xmltext).
    """

    feed_type = SafeRssFeed

    def title(self, obj=None):
        if obj is not None:
            return f"Comments on: {obj.title_text}"
        return f"Comments for {SiteSettings.load().title}"

    def description(self, obj=None):
        return self.title(obj)

    def link(self, obj=None):
        return obj.get_absolute_url() if obj is not None else reverse("blog:home")

    def items(self, obj=None):
        return selectors.latest_comments(obj, limit=FEED_SIZE)

    def item_title(self, item):
        return f"Comment on {item.content_object.title_text} by {item.user_name}"

    def item_description(self, item):
        return comment_text(item.comment)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.user_name

    def item_pubdate(self, item):
        return item.submit_date


class LatestCommentsAtomFeed(LatestCommentsFeed):
    feed_type = SafeAtomFeed
    subtitle = LatestCommentsFeed.description


class PostCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, year, month, day, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)


class PostCommentsAtomFeed(PostCommentsFeed):
    feed_type = SafeAtomFeed
    subtitle = PostCommentsFeed.description
