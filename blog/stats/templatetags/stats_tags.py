from django import template

from blog.stats import likes

register = template.Library()


@register.simple_tag(takes_context=True)
def post_likes(context, post):
    """The likes line of a post for the reader of this request (blog.stats.likes.post_likes)."""
    return likes.post_likes(post, **likes.reader(context["request"]))
