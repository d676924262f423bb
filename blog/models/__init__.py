"""The blog's models, one module per feature; import them from here (blog.models)."""

from blog.models.followers import Delivery, Follower, FollowerQuerySet
from blog.models.media import Image, ImageUse, Rendition
from blog.models.pages import (
    PAGE_MENU_CACHE_KEY,
    RESERVED_PAGE_SLUGS,
    Page,
    PageQuerySet,
    page_free_slug,
    page_slug_reserved,
)
from blog.models.posts import (
    SEARCH_CONFIG,
    AuthorProfile,
    Category,
    Post,
    PostQuerySet,
    TaggedPost,
    unique_slug,
)
from blog.models.ratelimit import RateCounter
from blog.models.site import SingletonModel, SiteSettings
from blog.models.stats import (
    DailyPostViews,
    DailyReferrer,
    DailySiteViews,
    DailyVisitor,
    Like,
    StatsDashboard,
    ViewEvent,
)
from blog.models.wordpress import ImportRun, LegacyLink

__all__ = [
    "SEARCH_CONFIG",
    "unique_slug",
    "Category",
    "PostQuerySet",
    "Post",
    "TaggedPost",
    "AuthorProfile",
    "RESERVED_PAGE_SLUGS",
    "PAGE_MENU_CACHE_KEY",
    "page_slug_reserved",
    "PageQuerySet",
    "Page",
    "page_free_slug",
    "SingletonModel",
    "SiteSettings",
    "ViewEvent",
    "DailySiteViews",
    "DailyPostViews",
    "DailyReferrer",
    "DailyVisitor",
    "StatsDashboard",
    "Like",
    "Image",
    "Rendition",
    "ImageUse",
    "FollowerQuerySet",
    "Follower",
    "Delivery",
    "LegacyLink",
    "ImportRun",
    "RateCounter",
]
