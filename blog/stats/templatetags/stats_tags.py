from html import escape  # the standard library's: Django's is lazy-aware and slower

from django import template
from django.utils.safestring import SafeString, mark_safe

from blog.post_html import author_name, initials, link, static_url
from blog.stats import likes

register = template.Library()

STAR = (
    '<svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 24 24">'
    '<path d="M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z"'
    ' fill="{}" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>'
)


@register.simple_tag(takes_context=True)
def post_likes(context, post):
    """The likes line of a post for the reader of this request (blog.stats.likes.post_likes)."""
    return likes.post_likes(post, **likes.reader(context["request"]))


@register.simple_tag(takes_context=True)
def likes_box(context, post):
    """The Like button, count and likers of a post for the reader of this request."""
    return likes_html(likes.post_likes(post, **likes.reader(context["request"])))


@register.simple_tag
def likes_html(likes, error=False, fragment=False) -> SafeString:
    """The likes section from post_likes(): error says the reader's network liked too often
    just now; fragment leaves out the script (a fetch replaces the section with it)."""
    liked, count, others = likes["liked"], likes["count"], likes["others"]
    action = escape(link("stats:post-like", post_id=likes["post"].pk))
    if liked:
        line = (
            f"You and {others} other blogger{_s(others)} like this."
            if others
            else ("You like this.")
        )
    elif count:
        line = f"{count} blogger{_s(count)} like{'' if count != 1 else 's'} this."
    else:
        line = "Be the first to like this."
    html = [
        '<section class="likes" id="likes" aria-labelledby="likes-title" data-likes>'
        '\n  <h2 id="likes-title">Like this:</h2>'
        f'\n  <form class="like-form" method="post" action="{action}">'
        f'\n    <input type="hidden" name="like" value="{0 if liked else 1}">'
        f'\n    <button type="submit" class="like-button{" is-liked" if liked else ""}"'
        f' aria-pressed="{"true" if liked else "false"}">'
        f"\n      {STAR.format('currentColor' if liked else 'none')}"
        f"\n      {'Liked' if liked else 'Like'}\n    </button>\n  </form>"
        f'\n  <p class="likes-count" aria-live="polite">{line}</p>\n  ',
    ]
    if likes["likers"]:
        html.append('<ul class="likers" aria-label="Signed-in readers who like this">')
        html += [_liker(user) for user in likes["likers"]]
        html.append("</ul>")
    html.append("\n  ")
    if error:
        html.append(
            '<p class="likes-error" role="alert">Too many likes from your network just now.'
            " Please try again in a few minutes.</p>"
        )
    html.append("\n</section>")
    if not fragment:
        html.append(f'\n<script src="{escape(static_url("blog/likes.js"))}" defer></script>')
    return mark_safe("".join(html))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _liker(user) -> str:
    name = author_name(user)
    profile = getattr(user, "profile", None)
    if profile and profile.avatar:
        picture = (
            f'<img class="avatar" src="{escape(profile.avatar.url)}" alt="{escape(name)}"'
            ' width="32" height="32">'
        )
    else:
        picture = (
            f'<span class="avatar initials" role="img" aria-label="{escape(name)}">'
            f"{initials(name)}</span>"
        )
    return f'<li title="{escape(name)}">{picture}</li>'
