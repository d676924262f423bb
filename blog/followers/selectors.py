"""Reads for the editors' desk: new followers and the last mailing."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from blog.followers.deliveries import delivery_progress
from blog.followers.models import Delivery, Follower
from blog.models import Post


def desk_followers(request, limit: int = 5) -> dict | None:
    """The desk's panel: who followed in the last seven days, and how far the emails of the
    latest post sent to followers have got; None for staff who cannot see followers."""
    if not request.user.has_perm("followers.view_follower"):
        return None
    week = Follower.objects.filter(subscribed_at__gte=timezone.now() - timedelta(days=7))
    mailed = Exists(Delivery.objects.filter(post=OuterRef("pk")))
    post = Post.objects.filter(mailed).order_by("-published_at").first()
    return {
        "new_count": week.count(),
        "newest": list(week.order_by("-subscribed_at")[:limit]),
        "mailing": {"post": post, "progress": delivery_progress(post)} if post else None,
    }
