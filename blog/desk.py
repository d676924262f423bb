"""The editors' desk: the admin's front page, made of panels.

blog adds its own (posts in progress, a quick draft); a feature adds one with register() from
its AppConfig.ready(), so blog never imports the feature. A panel's context function gets the
request and returns its template's context, or None when there is nothing for this person
(no permission): the panel is left out.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from blog.models import Post


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable[[HttpRequest], dict | None]
    order: int = 50  # smaller comes first
    wide: bool = False  # spans the desk's two columns


PANELS: dict[str, Panel] = {}


def register(key, title, template, context, *, order=50, wide=False) -> None:
    """Put a panel on the desk; a feature calls this from its AppConfig.ready()."""
    PANELS[key] = Panel(key, title, template, context, order, wide)


def render_panels(request) -> SafeString:
    """Every panel the person may see, in order, as HTML (forms get the request's CSRF token)."""
    parts = []
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            context = {**context, "panel": panel}
            parts.append(render_to_string(panel.template, context, request=request))
    return mark_safe("".join(parts))  # each part is a rendered, autoescaped template


IN_PROGRESS = [Post.Status.DRAFT, Post.Status.PENDING, Post.Status.SCHEDULED]


def posts_in_progress(request) -> dict | None:
    """Drafts, posts waiting for review and scheduled posts: the newest few of each, with
    counts. Authors see their own."""
    user = request.user
    if not user.has_perm("blog.change_post"):
        return None
    posts = Post.objects.filter(status__in=IN_PROGRESS).select_related("author__profile")
    if not user.has_perm("blog.edit_others_posts"):
        posts = posts.filter(author=user)
    groups = []
    for status in IN_PROGRESS:
        of_status = posts.filter(status=status)
        order = "published_at" if status == Post.Status.SCHEDULED else "-updated_at"
        groups.append(
            {
                "status": status,
                "label": Post.Status(status).label,
                "posts": list(of_status.order_by(order)[:5]),
                "count": of_status.count(),
            }
        )
    return {"groups": groups}


def quick_draft(request) -> dict | None:
    return {} if request.user.has_perm("blog.add_post") else None


register("posts", _("Posts in progress"), "admin/desk/_posts.html", posts_in_progress, order=10)
register("quick-draft", _("Quick draft"), "admin/desk/_quick_draft.html", quick_draft, order=20)
