"""The WordPress IDs an export writes: each object's ID on the WordPress blog it came from.

An object the import brought keeps the ID it had there (LegacyLink), so importing the export
again, here or on WordPress, finds the same rows instead of adding new ones. An object made
here gets an ID past every kept one in its ID space (WordPress numbers posts, pages and
attachments from one sequence, categories and tags from another), so none collides.
"""

from collections import defaultdict

from django.db.models import Max

from blog.models import Category, LegacyLink, Post

SPACES = {
    "post": "posts", "page": "posts", "attachment": "posts",
    "category": "terms", "tag": "terms", "author": "authors", "comment": "comments",
}  # fmt: skip


class WordPressIds:
    """ids(kind, pk) -> the WordPress ID to write for that object (kind as in LegacyLink)."""

    def __init__(self):
        self.kept, top = {}, defaultdict(int)
        for kind, wp_id, object_id in LegacyLink.objects.values_list("kind", "wp_id", "object_id"):
            self.kept[(kind, object_id)] = wp_id
            top[SPACES.get(kind, kind)] = max(top[SPACES.get(kind, kind)], wp_id)
        # Within a space, pages come after the posts' range and tags after the categories'.
        after = {
            "page": Post.objects.aggregate(top=Max("pk"))["top"] or 0,
            "tag": Category.objects.aggregate(top=Max("pk"))["top"] or 0,
        }
        self.base = {kind: top[space] + after.get(kind, 0) for kind, space in SPACES.items()}

    def __call__(self, kind, pk):
        return self.kept.get((kind, pk)) or self.base[kind] + pk
