"""Keeping, restoring and autosaving revisions of posts.

What a revision keeps and what a restore puts back is said on blog.revisions.models.Revision.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from blog.history import importing_history
from blog.models import Category, Post
from blog.revisions.models import Revision
from blog.sanitize import sanitize_html

Image = Post._meta.get_field("featured_media").related_model  # blog.media's, not imported


def _filing(post: Post) -> dict:
    """The post's categories, tags and featured image as a revision keeps them."""
    categories = [{"id": c.pk, "name": c.name} for c in post.categories.order_by("name", "pk")]
    image = post.featured_media
    return {
        "categories": categories,
        "tags": sorted(post.tags.names(), key=str.lower),
        "featured_image": {"id": image.pk, "title": image.title} if image else None,
    }


def _latest(post: Post) -> Revision | None:
    return post.revisions.filter(kind=Revision.Kind.REVISION).order_by("-created_at", "-pk").first()


def revision_record(*, post: Post, user=None, note: str = "") -> Revision | None:
    """Keep the post as it is now, after its categories and tags were saved; nothing when it
    is the same as its latest revision, or while history is imported (blog.history). The
    saving editor's autosave of the post is deleted: the post holds what they wrote."""
    if importing_history():
        return None
    if user is not None:
        post.revisions.filter(kind=Revision.Kind.AUTOSAVE, author=user).delete()
    kept = {"title": post.title, "excerpt": post.excerpt, "body": post.body, **_filing(post)}
    latest = _latest(post)
    if latest and latest.filing_kept and all(getattr(latest, k) == v for k, v in kept.items()):
        return None
    return Revision.objects.create(post=post, author=user, note=note, filing_kept=True, **kept)


@dataclass
class Restored:
    """What revision_restore did: the post, and what of the revision could not come back
    (["category “World”", "featured image “Map”"]): deleted since."""

    post: Post
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def revision_restore(*, revision: Revision, user=None) -> Restored:
    """Put a revision back on its post: title, excerpt and body; and, when the revision kept
    them, the categories, tags and featured image. Categories or an image deleted since are
    skipped (listed in the answer), the rest restored. Status, publish time, author and slug
    stay (WordPress's restore keeps them too). The restore is a revision itself."""
    post = Post.objects.select_for_update().get(pk=revision.post_id)
    post.title, post.excerpt, post.body = revision.title, revision.excerpt, revision.body
    restored = Restored(post=post)
    if revision.filing_kept:
        restored.skipped = _restore_filing(post, revision)
    post.save()
    if revision.filing_kept:
        post.tags.set(revision.tags)
    when = f"{timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}"
    what = "autosave" if revision.is_autosave else "revision"
    revision_record(post=post, user=user, note=f"Restored the {what} of {when}")
    return restored


def _restore_filing(post: Post, revision: Revision) -> list[str]:
    """Set the revision's categories and image that still exist; name those that do not."""
    wanted = {c["id"]: c["name"] for c in revision.categories}
    found = set(Category.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    post.categories.set(found)
    skipped = [f"category “{name}”" for pk, name in wanted.items() if pk not in found]
    image = revision.featured_image
    if image is None:
        post.featured_media = None
    elif Image.objects.filter(pk=image["id"]).exists():
        post.featured_media_id = image["id"]
    else:
        skipped.append(f"featured image “{image['title']}”")
    return skipped


def revision_current(*, post: Post) -> Revision:
    """The post as it is now, as an unsaved revision: what a restore is compared with."""
    return Revision(post=post, title=post.title, excerpt=post.excerpt, body=post.body,
                    created_at=post.updated_at, filing_kept=True, **_filing(post))  # fmt: skip


def revision_missing(*, revision: Revision) -> list[str]:
    """What of the revision a restore would skip now: its categories and image deleted since."""
    if not revision.filing_kept:
        return []
    wanted = {c["id"]: c["name"] for c in revision.categories}
    found = set(Category.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [f"category “{name}”" for pk, name in wanted.items() if pk not in found]
    image = revision.featured_image
    if image and not Image.objects.filter(pk=image["id"]).exists():
        missing.append(f"featured image “{image['title']}”")
    return missing


def autosave_store(*, post: Post, user, title: str, excerpt: str, body: str) -> Revision:
    """Keep the text of a form being written as the editor's one autosave of the post,
    replacing their previous one (WordPress keeps one per editor and post). The post itself
    is not changed. Kept as Post.save keeps them: the title as typed (its markup is cleaned
    where it is shown), the body sanitized; the excerpt comes as AutosaveForm leaves it."""
    revision, _ = Revision.objects.update_or_create(
        post=post, author=user, kind=Revision.Kind.AUTOSAVE,
        defaults={"title": title, "excerpt": excerpt, "body": sanitize_html(body),
                  "created_at": timezone.now(), **_filing(post)},
    )  # fmt: skip
    return revision


def autosave_draft(*, user, title: str, excerpt: str, body: str) -> Post:
    """The first autosave of a post never saved: a draft by the editor holding the text, as
    WordPress's auto-draft, so a closed tab leaves it on the desk. Later autosaves of the
    form go to this post; its first save through the form is its first revision."""
    return Post.objects.create(
        author=user, status=Post.Status.DRAFT, title=title, excerpt=excerpt,
        body=body,
    )  # fmt: skip


def autosave_newer(*, post: Post, user) -> Revision | None:
    """The editor's autosave of the post when it is newer than the post's last save and says
    something else: the form then offers to restore it (WordPress's notice)."""
    autosave = post.revisions.filter(kind=Revision.Kind.AUTOSAVE, author=user).first()
    if autosave is None or autosave.created_at <= post.updated_at:
        return None
    texts = ("title", "excerpt", "body")
    same = all(getattr(autosave, name) == getattr(post, name) for name in texts)
    return None if same else autosave
