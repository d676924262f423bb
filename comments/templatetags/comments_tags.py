import re
from functools import lru_cache
from html import escape  # the standard library's: Django's is lazy-aware and slower

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import get_language

from blog.templatetags.blog_tags import initials
from comments import selectors
from comments.forms import CommentForm
from comments.models import DiscussionSettings

register = template.Library()

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# An address starts with a scheme or www. and runs to the next space, quote or angle bracket.
ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}"
SHOWN_CHARS = 60
DAY_LABEL, TIME_LABEL = "F j, Y", "g:i a"


def link(address: str) -> str:
    """A link to the address, for text people write: nofollow ugc noopener, shortened to show."""
    href = address if "://" in address else f"http://{address}"
    shown = address if len(address) <= SHOWN_CHARS else address[: SHOWN_CHARS - 1] + "…"
    return f'<a href="{escape(href)}" rel="nofollow ugc noopener">{escape(shown)}</a>'


def linkify(text: str) -> str:
    """Escape text and turn the web addresses in it into links (trailing punctuation stays out)."""
    html, last = [], 0
    for match in ADDRESS.finditer(text):
        address = match.group(0)
        while address[-1] in TRAILING and not (address[-1] == ")" and "(" in address):
            address = address[:-1]
        html += [escape(text[last : match.start()]), link(address)]
        last = match.start() + len(address)
    html.append(escape(text[last:]))
    return "".join(html)


@register.filter
def comment_text(text):
    """Plain text as HTML: paragraphs and line breaks kept, addresses linked, the rest escaped."""
    paragraphs = PARAGRAPH_BREAK.split(normalize_newlines(text or "").strip())
    html = (linkify(p.strip()).replace("\n", "<br>") for p in paragraphs if p.strip())
    return mark_safe("\n".join(f"<p>{paragraph}</p>" for paragraph in html))


@register.simple_tag
def comment_avatar(comment, size=40):
    """The commenter's uploaded picture, else initials on a colour made from their address."""
    profile = getattr(comment.user, "profile", None) if comment.user_id else None
    if profile and profile.avatar:
        return format_html(
            '<img class="comment-avatar" src="{}" alt="" width="{}" height="{}" loading="lazy">',
            profile.avatar.url,
            size,
            size,
        )
    return format_html(
        # A class per 30° of hue, not a style attribute: the CSP refuses inline styles.
        '<span class="comment-avatar hue-{}" aria-hidden="true">{}</span>',
        selectors.avatar_hue(comment) // 30,
        initials(comment.user_name),
    )


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, post):
    """The comments under a post: count, threads (one page), and the form or a closed notice."""
    request = context["request"]
    rules = DiscussionSettings.load()
    page = request.GET.get(selectors.PAGE_PARAM)
    section = selectors.comment_section(post, rules=rules, page=page)
    prepare(section["threads"], post=post, depth=section["depth"], open=section["open"])
    prepare(section["mentions"], post=post, depth=section["depth"], open=False)
    return {
        **section,
        "form": CommentForm(post) if section["open"] else None,
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


def prepare(nodes, *, post, depth, open, reply_base=None):
    """Work out once, in Python, what each shown comment prints: the template only places it.

    A page may show hundreds of comments; template lookups, filters and localisation per
    comment would cost most of the page's time.
    """
    reply_base = reply_base or reverse("comments-xtd-reply", args=[0])[:-2]
    for node in nodes:
        comment = node.comment
        local = timezone.localtime(comment.submit_date)
        node.html_id = f"comment-{comment.pk}"
        node.text = comment_text(comment.comment)
        node.avatar = comment_avatar(comment)
        node.iso_date = local.isoformat(timespec="seconds")
        node.date = date_label(local)
        node.by_author = bool(comment.user_id) and comment.user_id == post.author_id
        node.reply_to = str(comment.pk)
        node.reply_url = f"{reply_base}{comment.pk}/"
        node.can_reply = open and not comment.is_mention and node.level + 1 < depth
        prepare(node.children, post=post, depth=depth, open=open, reply_base=reply_base)


def date_label(local) -> str:
    """ "November 24, 2014 at 9:05 p.m.": its two halves repeat a lot, so each is kept."""
    day, time = (
        local.replace(hour=0, minute=0, second=0, microsecond=0),
        local.replace(second=0, microsecond=0),
    )
    language = get_language()
    clock = time.replace(2000, 1, 1)
    return f"{_format(day, DAY_LABEL, language)} at {_format(clock, TIME_LABEL, language)}"


@lru_cache(maxsize=4096)
def _format(value, format_string, language):
    return dateformat.format(value, format_string)
