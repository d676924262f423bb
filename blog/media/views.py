from django.http import Http404
from django.shortcuts import get_object_or_404, render

from blog.media import selectors
from blog.media.models import Image


def image_detail(request, pk):
    """A library image at full size with its caption, credit and the posts that show it."""
    image = get_object_or_404(selectors.with_renditions(Image.objects.all()), pk=pk)
    posts = selectors.image_posts(image)
    if not posts and not request.user.has_perm("media.view_image"):
        raise Http404("No such image")  # unpublished uploads stay private
    return render(request, "media/image_detail.html", {"image": image, "posts": posts})
