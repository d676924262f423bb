from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from blog.crossorigin import origin_protected
from blog.models import Post
from blog.stats import likes


@origin_protected  # no CSRF token: the form is on pages cached for every reader
@require_POST
def post_like(request, post_id):
    """Like a post or take the like back: a plain form post, or a fetch that wants the line."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    who = likes.reader(request)
    new_browser = "browser" in who and who["browser"] is None
    if new_browser:
        who["browser"] = likes.address_browser(request)
    liked = request.POST.get("like") == "1"
    error = likes.rate_limited(request, liking=liked)
    if not error:
        likes.like_set(post=post, liked=liked, **who)
    fetch = request.headers.get("X-Requested-With") == "fetch"
    if fetch or error:
        template = "stats/_likes.html" if fetch else "stats/like_limited.html"
        context = {"likes": likes.post_likes(post, **who), "error": error, "fragment": fetch}
        response = render(request, template, context, status=429 if error else 200)
    else:
        response = redirect(f"{post.get_absolute_url()}#likes")
    if new_browser and not error:
        likes.remember_browser(request, response, who["browser"])
    return response
