from django import template

from blog import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_panels(context):
    """The desk's panels (blog.desk) that the signed-in person may see."""
    return desk.render_panels(context["request"])
