"""Likes: a reader likes a post once, signed in (per account) or not (per browser cookie).

A browser without the cookie is known by its network address for the day (address_browser),
so clearing cookies or sending none cannot like a post again and again; an address also has
a cap on likes across all posts per day.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac

from blog import ratelimit
from blog.models import Post
from blog.prepared import PreparedQuery, stand_in
from blog.ratelimit import client_ip
from blog.stats.models import Like

COOKIE = "liker"
COOKIE_SALT = "blog.likes"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
RATE_LIMIT = 20  # like or unlike clicks per address ...
RATE_WINDOW = 10 * 60  # ... in this many seconds
DAILY_LIMIT = 100  # likes per address per day, across all posts
DAY = 24 * 3600
AVATARS = 14


def browser_id(request) -> uuid.UUID | None:
    """The anonymous reader's id from the signed cookie; None if absent or tampered with."""
    value = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def remember_browser(request, response, browser: uuid.UUID) -> None:
    response.set_signed_cookie(
        COOKIE, str(browser), salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE, httponly=True,
        samesite="Lax", secure=request.is_secure(),
    )  # fmt: skip


def address_browser(request) -> uuid.UUID:
    """The id of a browser that brings no cookie: the same for one address all day (UTC), and
    not guessable from the address (keyed with SECRET_KEY)."""
    day = timezone.now().date().isoformat()
    digest = salted_hmac(COOKIE_SALT, f"{client_ip(request)}|{day}").hexdigest()
    return uuid.UUID(hex=digest[:32])


def reader(request) -> dict:
    """Who is liking: {"user": ...} when signed in, else {"browser": id or None}."""
    if request.user.is_authenticated:
        return {"user": request.user}
    return {"browser": browser_id(request)}


def rate_limited(request, *, liking: bool) -> bool:
    """True once an address has clicked Like more than RATE_LIMIT times in RATE_WINDOW, or
    (liking) liked more than DAILY_LIMIT times in a day, whatever the posts."""
    ip = client_ip(request)
    if ratelimit.hit("like", ip, limit=RATE_LIMIT, window=RATE_WINDOW):
        return True
    return liking and ratelimit.hit("like-day", ip, limit=DAILY_LIMIT, window=DAY)


def like_set(*, post: Post, liked: bool, user=None, browser: uuid.UUID | None = None) -> None:
    """Make the reader like the post or not; doing the same twice changes nothing."""
    who = {"user": user} if user is not None else {"browser": browser}
    if liked:
        Like.objects.bulk_create([Like(post=post, **who)], ignore_conflicts=True)
    else:
        Like.objects.filter(post=post, **who).delete()


def _counts(post_id, mine=None):
    counting = {"total": Count("pk"), "users": Count("pk", filter=Q(user__isnull=False))}
    if mine is not None:
        counting["mine"] = Count("pk", filter=mine)
    likes = Like.objects.filter(post_id=post_id).values("post_id").annotate(**counting)
    return likes.values_list(*counting)


# The counts for a reader who cannot have liked (neither signed in nor known by a cookie), for
# a signed-in reader and for a browser with its cookie: one query each, its SQL written once.
_COUNTS = PreparedQuery(_counts, stand_in(int))
_COUNTS_USER = PreparedQuery(
    lambda post_id, user_id: _counts(post_id, Q(user_id=user_id)),
    stand_in(int, 0),
    stand_in(int, 1),
)
_COUNTS_BROWSER = PreparedQuery(
    lambda post_id, browser: _counts(post_id, Q(browser=browser)),
    stand_in(int),
    stand_in(uuid.UUID),
)


def _count_column(post, **only):
    """A post page column (blog.selectors.post_page_columns): the post's likes (only those)."""
    likes = Like.objects.filter(post=post, **only).order_by().values("post")
    return Coalesce(Subquery(likes.annotate(n=Count("pk")).values("n")), 0)


# The counts a reader who cannot have liked sees, read with the post on its page (likes_count,
# likes_by_users: the post's attributes then), added from StatsConfig.ready().
PAGE_COLUMNS = {
    "likes_count": _count_column,
    "likes_by_users": lambda post: _count_column(post, user__isnull=False),
}


def post_likes(post: Post, *, user=None, browser: uuid.UUID | None = None) -> dict:
    """What the Like line shows to this reader: one query, two when signed-in readers like it,
    however many likes there are; none more for a reader who cannot have liked when the post
    came with PAGE_COLUMNS. A reader neither signed in nor known by a cookie has liked nothing
    (a like has a user or a browser)."""
    if user is not None:
        rows = _COUNTS_USER(post.pk, user.pk)
    elif browser:
        rows = _COUNTS_BROWSER(post.pk, browser)
    elif hasattr(post, "likes_count"):  # read with the post (blog.selectors.post_for_page)
        rows = [(post.likes_count, post.likes_by_users)]
    else:
        rows = _COUNTS(post.pk)
    total, users, mine = (*rows[0], 0)[:3] if rows else (0, 0, 0)  # no row: no like yet
    mine = bool(mine)
    likers = []
    if users:
        likers = (
            get_user_model()
            .objects.filter(likes__post=post)
            .select_related("profile")
            .order_by("-likes__created_at")[:AVATARS]
        )
    return {
        "post": post,
        "count": total,
        "liked": mine,
        "others": total - mine,
        "likers": list(likers),
    }
