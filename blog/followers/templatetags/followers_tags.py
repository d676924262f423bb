from django import template

from blog.followers import services as followers

register = template.Library()


@register.simple_tag
def user_follows(user):
    """Whether the signed-in reader follows the blog by email (one query, two at most)."""
    return followers.is_following(user)
