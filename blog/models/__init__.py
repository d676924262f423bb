"""The blog's own models, a module each; import them from here (blog.models).

The features in blog/*/ (followers, media, stats, wordpress) have models of their own.
"""

from blog.models.pages import (
    RESERVED_PAGE_SLUGS,
    Page,
    PageQuerySet,
    page_free_slug,
    page_slug_reserved,
)
from blog.models.posts import (
    SEARCH_CONFIG,
    SEARCH_ONLY,
    AuthorProfile,
    Category,
    Post,
    PostQuerySet,
    TaggedPost,
    unique_slug,
)
from blog.models.ratelimit import FailedLogin, RateCounter
from blog.models.redirects import LegacyLink
from blog.models.site import SingletonModel, SiteSettings, SocialProfile

__all__ = [
    "SEARCH_CONFIG",
    "SEARCH_ONLY",
    "unique_slug",
    "Category",
    "PostQuerySet",
    "Post",
    "TaggedPost",
    "AuthorProfile",
    "RESERVED_PAGE_SLUGS",
    "page_slug_reserved",
    "PageQuerySet",
    "Page",
    "page_free_slug",
    "SingletonModel",
    "SiteSettings",
    "SocialProfile",
    "LegacyLink",
    "RateCounter",
    "FailedLogin",
]
