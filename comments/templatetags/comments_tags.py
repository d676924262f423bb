import re
from datetime import datetime
from functools import lru_cache
from html import escape  # the standard library's: Django's is lazy-aware and slower
from types import SimpleNamespace
from urllib.parse import quote

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from blog import generations
from blog.links import safe_url
from blog.models import AuthorProfile, Post
from blog.templatetags.blog_tags import initials
from comments import selectors
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings

register = template.Library()

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# An address starts with a scheme or www. and runs to the next space, quote or angle bracket.
ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}"
SHOWN_CHARS = 60
DAY_LABEL, TIME_LABEL = "F j, Y", "g:i a"
SECONDS = [f"{second:02d}" for second in range(60)]  # (formatting each cost more)
COMMENT = Comment.Kind.COMMENT.value
AVATARS = AuthorProfile._meta.get_field("avatar").storage  # where profile pictures live


def link(address: str) -> str:
    """A link to the address, for text people write: nofollow ugc noopener, shortened to show."""
    escaped = escape(address)  # (once: most addresses are shown as they are)
    href = escaped if "://" in address else f"http://{escaped}"
    shown = escaped if len(address) <= SHOWN_CHARS else escape(address[: SHOWN_CHARS - 1] + "…")
    return f'<a href="{href}" rel="nofollow ugc noopener">{shown}</a>'


def linkify(text: str) -> str:
    """Escape text and turn the web addresses in it into links (trailing punctuation stays out)."""
    # An address has "://" or a "www." (in any case) in it; the pattern, tried at every
    # character, costs several times the escaping, so it is not run on text without them, and
    # from just before the first "://" when there is no "www.".
    start = text.find("://")
    if "www." in text.lower():
        start = 0
    elif start < 0:
        return escape(text)
    html, last = [], 0
    for match in ADDRESS.finditer(text, max(start - len("https"), 0)):
        address = match.group(0)
        while address[-1] in TRAILING and not (address[-1] == ")" and "(" in address):
            address = address[:-1]
        html += [escape(text[last : match.start()]), link(address)]
        last = match.start() + len(address)
    if last < len(text):
        html.append(escape(text[last:]))
    return "".join(html)


@register.filter
def comment_text(text):
    """Plain text as HTML: paragraphs and line breaks kept, addresses linked, the rest escaped."""
    return mark_safe(_text_html(text))


def _text_html(text: str) -> str:
    text = (text or "").strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()  # as normalize_newlines
    if "\n" not in text:  # one line: one paragraph (most comments)
        return f"<p>{linkify(text)}</p>" if text else ""
    paragraphs = PARAGRAPH_BREAK.split(text)
    html = (linkify(p.strip()).replace("\n", "<br>") for p in paragraphs if p.strip())
    return "\n".join(f"<p>{paragraph}</p>" for paragraph in html)


@register.simple_tag
def comment_avatar(comment, size=40):
    """The commenter's uploaded picture, else initials on a colour made from their address."""
    profile = getattr(comment.user, "profile", None) if comment.user_id else None
    return avatar_html(comment, profile.avatar.url if profile and profile.avatar else "", size)


def avatar_html(comment, url: str, size: int = 40) -> str:
    """comment_avatar's HTML from the picture's address (or "", for initials)."""
    # f-strings and the standard library's escape, not format_html: once per comment shown.
    if url:
        return mark_safe(_picture_avatar(url, size))
    return mark_safe(_initials_avatar(settings.SECRET_KEY, comment.user_email, comment.user_name))


def _picture_avatar(url: str, size: int) -> str:
    return (
        f'<img class="comment-avatar" src="{escape(url)}" alt="" '
        f'width="{int(size)}" height="{int(size)}" loading="lazy">'
    )


@lru_cache(maxsize=4096)
def _initials_avatar(secret: str, email: str, name: str) -> str:
    """Kept per commenter, as a page shows a commenter's initials by each of their comments."""
    # A class per 30° of hue, not a style attribute: the CSP refuses inline styles.
    hue = selectors.avatar_hue(SimpleNamespace(user_email=email, user_name=name)) // 30
    return f'<span class="comment-avatar hue-{hue}" aria-hidden="true">{initials(name)}</span>'


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, post):
    """The comments under a post: count, threads (one page), and the form or a closed notice."""
    request = context["request"]
    rules = DiscussionSettings.load()
    page = request.GET.get(selectors.PAGE_PARAM)
    section = selectors.comment_section(post, rules=rules, page=page)
    depth, page_query = section["depth"], section["page_query"]
    threads = CommentList(post, depth=depth, open=section["open"], page_query=page_query)
    mentions = CommentList(post, depth=depth, open=False, page_query=page_query)
    form_html = anonymous_form_html(request, post) if section["open"] else None
    return {
        **section,
        "threads_html": mark_safe(threads.html(section["threads"])),
        "mentions_html": mark_safe(mentions.html(section["mentions"])),
        "form_html": form_html,
        "form": CommentForm(post) if section["open"] and form_html is None else None,
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


# What comments/_form.html prints of the post it is under, for a reader not signed in: stand-ins
# that the template prints in ways told apart (escaped, or quoted for a query string).
POST_URL = "/<post-url>/"
HIDDEN = ("content_type", "object_pk", "timestamp", "security_hash")
STAND_INS = {
    escape(POST_URL): ("url", escape),
    # |urlencode:"/%" in the template: the address is already percent-encoded (non-Latin slugs)
    escape(quote(POST_URL, safe="/%")): ("url", lambda url: escape(quote(url, safe="/%"))),
    **{f"stand-in-{name}": (name, escape) for name in HIDDEN},
}
STAND_IN = re.compile(f"({'|'.join(map(re.escape, STAND_INS))})")


def anonymous_form_html(request, post) -> SafeString | None:
    """comments/_form.html under the post for a reader not signed in, to the byte, or None for
    anyone else (signed in, or no page-cache generation known: render the template).

    The HTML is the same for every post but for the post's address and the form's hidden
    fields, so the template is drawn once per generation (blog.generations) with stand-ins, and
    the post's own values put in their places: the form, its fields and the sign-in buttons
    cost about a tenth of the post page when drawn for each reader.
    """
    if generations.current() is None or request.user.is_authenticated:
        return None
    name = f"comments:anonymous-form:{get_language()}"
    parts, origins = generations.kept(name, lambda: _form_parts(request))
    if parts is None:
        return None
    if origins:  # what signin_buttons tells the CSP about each page that shows them
        request.signin_origins = getattr(request, "signin_origins", set()) | origins
    values = {**CommentForm.security_data(post), "url": post.get_absolute_url()}
    html = parts.copy()
    html[1::2] = [escape_as(values[name]) for name, escape_as in parts[1::2]]
    return mark_safe("".join(html))


def _form_parts(request) -> tuple[list | None, frozenset]:
    """(comments/_form.html for a reader not signed in, split at its stand-ins: text and
    (value name, escape) in turns, or None if it prints them otherwise; the sign-in providers'
    origins it added to request.signin_origins)."""
    form = CommentForm(Post(pk=0))
    form.initial.update({name: f"stand-in-{name}" for name in HIDDEN})
    before = request.__dict__.pop("signin_origins", set())
    context = {"post": SimpleNamespace(get_absolute_url=lambda: POST_URL), "form": form,
               "user": AnonymousUser(), "request": request}  # fmt: skip
    html = get_template("comments/_form.html").template.render(Context(context))
    origins = frozenset(getattr(request, "signin_origins", ()))
    request.signin_origins = before | origins
    parts = STAND_IN.split(html)
    if any("post-url" in text or "stand-in-" in text for text in parts[::2]):
        return None, origins
    parts[1::2] = [STAND_INS[stand_in] for stand_in in parts[1::2]]
    return parts, origins


class CommentList:
    """The <li> of each comment and its replies, as comments/_comment.html used to print them,
    built in Python (a template include per comment cost about 0.5 ms): what every comment of
    the list prints alike (post author, reply links, time zone...) is worked out once, and each
    comment's own values are escaped once, straight into its HTML."""

    def __init__(self, post, *, depth: int, open: bool, page_query: str = ""):
        self.author_id, self.depth, self.open = post.author_id, depth, open
        self.permalink = f"{escape(page_query)}#comment-"
        self.reply_base = generations.kept("comments:reply-base", _reply_base) if open else ""
        self.zone, self.language = timezone.get_current_timezone(), get_language()
        self.secret = settings.SECRET_KEY

    def html(self, nodes) -> str:
        """The <li> elements of the nodes (comments.selectors.Node) and of their replies."""
        return "".join(map(self.li, nodes))

    def li(self, node) -> str:
        c, pk = node.comment, str(node.comment.pk)
        by_author = c.user_id and c.user_id == self.author_id
        classes = f"comment depth-{node.level + 1}"
        if c.kind != COMMENT:
            classes += f" {c.kind}"
            body = self.mention_body(c)
        else:
            body = self.comment_body(c, pk, node.level, by_author)
        if by_author:
            classes += " bypostauthor"
        children = f'<ol class="children">{self.html(node.children)}</ol>' if node.children else ""
        return (
            f'\n<li id="comment-{pk}" class="{classes}">\n  <article class="comment-body">'
            f"{body}\n  </article>\n  {children}\n</li>"
        )

    def mention_body(self, c) -> str:
        source = _linked_name(c.source_url, escape(c.source_title or c.user_name))
        return (
            f'\n    <p class="comment-meta"><span class="mention-kind">'
            f"{escape(str(c.get_kind_display()))}:</span> {source}</p>"
            f'\n    <div class="comment-content">{_text_html(c.comment)}</div>'
        )

    def comment_body(self, c, pk: str, level: int, by_author) -> str:
        name = escape(c.user_name)
        if c.avatar:
            avatar = _picture_avatar(AVATARS.url(c.avatar), 40)
        else:
            avatar = _initials_avatar(self.secret, c.user_email, c.user_name)
        badge = ' <span class="author-badge">Author</span>' if by_author else ""
        reply = ""
        if self.open and level + 1 < self.depth:  # (a mention has no comment_body)
            reply = (
                f'\n    <p class="reply"><a class="comment-reply-link" '
                f'href="{self.reply_base}{pk}/" data-reply-to="{pk}" data-reply-name="{name}" '
                f'aria-label="Reply to {name}">Reply</a></p>'
            )
        return (
            f'\n    <header class="comment-meta">\n      {avatar}\n'
            f'      <span class="comment-author">{_linked_name(c.user_url, name)}{badge}</span>'
            f'\n      <a class="comment-permalink" href="{self.permalink}{pk}">'
            f"{time_html(c.submit_date, self.zone, self.language)}</a>"
            f'\n    </header>\n    <div class="comment-content">{_text_html(c.comment)}</div>'
            f"{reply}"
        )


def _reply_base() -> str:
    """The reply page's address without the comment's pk: /comments/reply/."""
    return reverse("comments-xtd-reply", args=[0])[:-2]


def _linked_name(url: str, name_html: str) -> str:
    url = safe_url(url) if url else ""
    if url:
        return f'<a class="url" href="{escape(url)}" rel="nofollow ugc">{name_html}</a>'
    return name_html


def time_html(moment: datetime, zone, language: str) -> str:
    """<time datetime="2014-11-24T21:05:00+01:00">November 24, 2014 at 9:05 p.m.</time>: the
    moment in the zone, to the second, labelled to the minute in the language."""
    minute = _minute(
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.tzinfo,
        moment.fold, zone, language,
    )  # fmt: skip
    if minute is None:
        local = moment.astimezone(zone)
        label = _label(
            local.year, local.month, local.day, local.hour, local.minute, local.tzinfo, language
        )
        return f'<time datetime="{local.isoformat(timespec="seconds")}">{label}</time>'
    return f"{minute[0]}{SECONDS[moment.second]}{minute[1]}"


@lru_cache(maxsize=4096)
def _minute(year, month, day, hour, minute, tzinfo, fold, zone, language) -> tuple | None:
    """time_html's text before and after the seconds, the same for the moments of a minute,
    kept per minute, zone and language, as a thread's comments share days (the time zone
    arithmetic and the label cost more than the rest of the comment); None when the zone's
    offset has seconds or changes in that minute (local mean time, before 1900 or so)."""
    start = datetime(year, month, day, hour, minute, tzinfo=tzinfo, fold=fold)
    local = start.astimezone(zone)
    end = start.replace(second=59, microsecond=999999).astimezone(zone)
    if local.second or local.microsecond or local.utcoffset() != end.utcoffset():
        return None
    label = _label(
        local.year, local.month, local.day, local.hour, local.minute, local.tzinfo, language
    )
    iso = local.isoformat(timespec="seconds")  # 2014-11-24T21:05:00+01:00
    return f'<time datetime="{iso[:17]}', f'{iso[19:]}">{label}</time>'


@lru_cache(maxsize=4096)
def _label(year, month, day, hour, minute, zone, language) -> str:
    day_start = datetime(year, month, day, tzinfo=zone)
    clock = datetime(2000, 1, 1, hour, minute, tzinfo=zone)
    label = f"{dateformat.format(day_start, DAY_LABEL)} at {dateformat.format(clock, TIME_LABEL)}"
    return escape(label)


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
