"""Sidebar widgets the editor can show, hide and order, and the blog's social profiles.

Each widget is a partial under templates/blog/widgets/ known by a short key. The editor lists
the keys to show, in order, in Site settings; keys nobody registered are skipped when the
sidebar renders, so a removed feature never breaks a page. Another feature adds its widget with
register() from its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Widget:
    key: str
    label: str
    template: str
    # Shared by every reader, so its HTML is cached until anything readers see changes
    # (blog.pagecache). A widget with anything about the reader must say cached=False.
    cached: bool = True
    # Not cached, but the same for every reader who is not signed in (a form that only a
    # signed-in reader sees filled in): cached as the shared widgets for them.
    cached_for_anonymous: bool = False
    # (name in the template's context, function that reads the value): read at most once per
    # page, and only when the widget is shown and not served from the cache.
    context: tuple[str, Callable[[], object]] | None = None


WIDGETS: dict[str, Widget] = {}


def register(
    key: str,
    label: str,
    template: str,
    *,
    cached: bool = True,
    cached_for_anonymous: bool = False,
    context: tuple[str, Callable[[], object]] | None = None,
) -> None:
    """Offer a sidebar widget; a feature calls this from its AppConfig.ready()."""
    WIDGETS[key] = Widget(key, label, template, cached, cached_for_anonymous, context)


def cached_for(widget: Widget, request) -> bool:
    """Whether the widget's HTML for this request is the one every such reader shares (kept
    in the cache): a cached widget always, one cached for anonymous readers unless the reader
    is signed in."""
    if widget.cached:
        return True
    if not widget.cached_for_anonymous:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


for _key, _label in [
    ("search", _("Search")),
    ("follow-us", _("Follow us (social profiles)")),
    ("follow-account", _("Follow us on X / Mastodon (the profiles marked for the Follow box)")),
    ("recent", _("Recent posts")),
    ("categories", _("Categories")),
    ("tags", _("Tag cloud")),
    ("archives", _("Archives by month")),
]:
    register(_key, _label, f"blog/widgets/_{_key.replace('-', '_')}.html")

DEFAULT_SIDEBAR = (
    "search, follow-us, follow-account, recent, top-posts, categories, tags, archives, "
    "visitor-count"
)


def parse_keys(value: str) -> list[str]:
    """The keys of a comma- or space-separated list, lower-cased, first occurrence kept."""
    keys = [key.strip().lower() for key in value.replace(",", " ").split()]
    return list(dict.fromkeys(key for key in keys if key))


def shown(value: str) -> list[Widget]:
    """The widgets to render, in the editor's order; unknown keys are skipped."""
    return [WIDGETS[key] for key in parse_keys(value) if key in WIDGETS]


def validate_sidebar_widgets(value: str) -> None:
    unknown = [key for key in parse_keys(value) if key not in WIDGETS]
    if unknown:
        raise ValidationError(
            _("Unknown widget: %(unknown)s. Choose from: %(known)s."),
            params={"unknown": ", ".join(unknown), "known": ", ".join(WIDGETS)},
            code="unknown_widget",
        )


def sidebar_help():
    choices = "; ".join(f"{widget.key} ({widget.label})" for widget in WIDGETS.values())
    intro = _(
        "The widgets to show in the sidebar, top to bottom, separated by commas; leave one out "
        "to hide it. Available: "
    )
    return format_lazy("{}{}.", intro, choices)


SIDEBAR_HELP = _(
    "The widgets to show in the sidebar, top to bottom, separated by commas; leave one out to "
    "hide it. Available: search, follow-us, follow-account, recent, top-posts, categories, "
    "tags, archives, visitor-count, and the widgets other features add."
)


def social_profiles(site_settings) -> list[dict]:
    """The profiles of the "Follow us" widget in the editor's order (blog.models.SocialProfile),
    each as its kind (icon and CSS class), label and address; one query. A profile whose
    address fails the link check (blog.links) is left out."""
    return [
        {"key": profile.kind, "label": profile.get_kind_display(), "url": profile.link}
        for profile in site_settings.social_profiles.all()
        if profile.link
    ]
