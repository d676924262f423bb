import re
from datetime import datetime
from functools import lru_cache
from html import escape  # the standard library's: Django's is lazy-aware and slower

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from blog.links import safe_url
from blog.models import AuthorProfile
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
AVATARS = AuthorProfile._meta.get_field("avatar").storage  # where profile pictures live


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
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")  # as normalize_newlines
    paragraphs = PARAGRAPH_BREAK.split(text.strip())
    html = (linkify(p.strip()).replace("\n", "<br>") for p in paragraphs if p.strip())
    return mark_safe("\n".join(f"<p>{paragraph}</p>" for paragraph in html))


@register.simple_tag
def comment_avatar(comment, size=40):
    """The commenter's uploaded picture, else initials on a colour made from their address."""
    profile = getattr(comment.user, "profile", None) if comment.user_id else None
    return avatar_html(comment, profile.avatar.url if profile and profile.avatar else "", size)


def avatar_html(comment, url: str, size: int = 40) -> str:
    """comment_avatar's HTML from the picture's address (or "", for initials)."""
    # f-strings and the standard library's escape, not format_html: once per comment shown.
    if url:
        return mark_safe(
            f'<img class="comment-avatar" src="{escape(url)}" alt="" '
            f'width="{int(size)}" height="{int(size)}" loading="lazy">'
        )
    # A class per 30° of hue, not a style attribute: the CSP refuses inline styles.
    hue, letters = selectors.avatar_hue(comment) // 30, initials(comment.user_name)
    return mark_safe(f'<span class="comment-avatar hue-{hue}" aria-hidden="true">{letters}</span>')


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
        "threads_html": comments_html(section["threads"], page_query=section["page_query"]),
        "mentions_html": comments_html(section["mentions"], page_query=section["page_query"]),
        "form": CommentForm(post) if section["open"] else None,
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


def prepare(nodes, *, post, depth, open):
    """Work out once, in Python, what each shown comment prints: the template only places it.

    A page may show hundreds of comments; template lookups, filters and localisation per
    comment would cost most of the page's time.
    """
    reply_base = reverse("comments-xtd-reply", args=[0])[:-2]
    zone, language = timezone.get_current_timezone(), get_language()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        comment = node.comment
        local = comment.submit_date.astimezone(zone)
        node.html_id = f"comment-{comment.pk}"
        node.text = comment_text(comment.comment)
        node.avatar = avatar_html(comment, AVATARS.url(comment.avatar) if comment.avatar else "")
        node.iso_date = local.isoformat(timespec="seconds")
        node.date = date_label(local, language)
        node.by_author = bool(comment.user_id) and comment.user_id == post.author_id
        node.reply_to = str(comment.pk)
        node.reply_url = f"{reply_base}{comment.pk}/"
        node.can_reply = open and not comment.is_mention and node.level + 1 < depth
        stack.extend(node.children)


def comments_html(nodes, *, page_query: str = "") -> str:
    """The <li> of each comment and its replies, as comments/_comment.html used to print them.

    Built in Python from what prepare() worked out (everything from the reader escaped here):
    a template include per comment cost about 0.5 ms, this costs a few hundredths of that.
    """
    return mark_safe("".join(_comment_li(node, page_query) for node in nodes))


def _comment_li(node, page_query: str) -> str:
    c = node.comment
    classes = f"comment depth-{node.level + 1}"
    if c.is_mention:
        classes += f" {c.kind}"
        body = _mention_body(node)
    else:
        body = _comment_body(node, page_query)
    if node.by_author:
        classes += " bypostauthor"
    children = ""
    if node.children:
        replies = comments_html(node.children, page_query=page_query)
        children = f'<ol class="children">{replies}</ol>'
    return (
        f'\n<li id="{node.html_id}" class="{classes}">\n  <article class="comment-body">'
        f"{body}\n  </article>\n  {children}\n</li>"
    )


def _linked_name(url: str, name: str) -> str:
    url = safe_url(url)
    if url:
        return f'<a class="url" href="{escape(url)}" rel="nofollow ugc">{escape(name)}</a>'
    return escape(name)


def _mention_body(node) -> str:
    c = node.comment
    source = _linked_name(c.source_url, c.source_title or c.user_name)
    return (
        f'\n    <p class="comment-meta"><span class="mention-kind">'
        f"{escape(str(c.get_kind_display()))}:</span> {source}</p>"
        f'\n    <div class="comment-content">{node.text}</div>'
    )


def _comment_body(node, page_query: str) -> str:
    c, name = node.comment, escape(node.comment.user_name)
    badge = ' <span class="author-badge">Author</span>' if node.by_author else ""
    reply = ""
    if node.can_reply:
        reply = (
            f'\n    <p class="reply"><a class="comment-reply-link" href="{node.reply_url}" '
            f'data-reply-to="{node.reply_to}" data-reply-name="{name}" '
            f'aria-label="Reply to {name}">Reply</a></p>'
        )
    return (
        f'\n    <header class="comment-meta">\n      {node.avatar}\n'
        f'      <span class="comment-author">'
        f"{_linked_name(c.user_url, c.user_name)}{badge}</span>\n"
        f'      <a class="comment-permalink" href="{escape(page_query)}#{node.html_id}">'
        f'<time datetime="{node.iso_date}">{escape(node.date)}</time></a>\n    </header>'
        f'\n    <div class="comment-content">{node.text}</div>{reply}'
    )


def date_label(local, language=None) -> str:
    """ "November 24, 2014 at 9:05 p.m.": kept per minute, zone and language, as labels
    repeat (a thread's comments share days; the datetime arithmetic cost more than the text)."""
    return _label(
        local.year, local.month, local.day, local.hour, local.minute, local.tzinfo,
        language or get_language(),
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _label(year, month, day, hour, minute, zone, language) -> str:
    day_start = datetime(year, month, day, tzinfo=zone)
    clock = datetime(2000, 1, 1, hour, minute, tzinfo=zone)
    return f"{dateformat.format(day_start, DAY_LABEL)} at {dateformat.format(clock, TIME_LABEL)}"


@register.simple_tag
def comment_form_fields(form, user=None):
    """The comment form's <form> element, as comments/_form.html printed it: hidden fields,
    errors, the comment box, name, email and address for a reader not signed in, the honeypot
    and the follow-up box. Written in Python: it is under every post, drawn for each reader."""
    e = conditional_escape  # as the template engine: widgets and error lists are safe already
    f = {name: form[name] for name in ("comment", "name", "email", "url", "honeypot", "followup")}
    html = [
        f'<form id="commentform" class="comment-form" method="post"'
        f' action="{e(reverse("comments-post-comment"))}">\n    ',
        *(e(hidden) for hidden in form.hidden_fields()),
        "\n    ",
    ]
    errors, reply_errors = form.non_field_errors(), form["reply_to"].errors
    if errors or reply_errors:
        html.append(f'<div class="form-errors" role="alert">{e(errors)}{e(reply_errors)}</div>')
    html.append(
        '\n    <div class="comment-form-comment">'
        f'\n      <label for="{e(f["comment"].id_for_label)}">Comment'
        ' <span aria-hidden="true">*</span></label>'
        f"\n      {e(f['comment'].errors)}{e(f['comment'])}\n    </div>\n    "
    )
    if not getattr(user, "is_authenticated", False):
        html.append(
            '\n    <div class="comment-form-fields">'
            f'\n      <div class="comment-form-author"><label for="{e(f["name"].id_for_label)}">'
            f'Name <span aria-hidden="true">*</span></label>{e(f["name"].errors)}{e(f["name"])}'
            "</div>"
            f'\n      <div class="comment-form-email"><label for="{e(f["email"].id_for_label)}">'
            'Email <span aria-hidden="true">*</span> <small>(never shown)</small></label>'
            f"{e(f['email'].errors)}{e(f['email'])}</div>"
            f'\n      <div class="comment-form-url"><label for="{e(f["url"].id_for_label)}">'
            f"Website</label>{e(f['url'].errors)}{e(f['url'])}</div>\n    </div>\n    "
        )
    honeypot, followup = f["honeypot"], f["followup"]
    html.append(
        f'\n    <p class="comment-form-hp" aria-hidden="true"><label for="'
        f'{e(honeypot.id_for_label)}">{e(honeypot.label)}</label>{e(honeypot)}</p>'
        f'\n    <p class="comment-form-followup">{e(followup)} <label for="'
        f'{e(followup.id_for_label)}">{e(followup.label)}</label></p>'
        '\n    <p class="form-submit"><button type="submit" id="submit">Post Comment</button></p>'
        "\n  </form>"
    )
    return mark_safe("".join(str(part) for part in html))
