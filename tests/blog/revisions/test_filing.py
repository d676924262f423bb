"""Revisions keep the categories, tags and featured image; restore puts them back (skipping
what was deleted since), and leaves status and publish time alone."""

import io

import pytest

from blog.history import history_import
from blog.media.models import Image
from blog.models import Post
from blog.revisions.models import Revision
from blog.revisions.services import revision_record
from blog.wordpress import services as wordpress_services
from tests.blog.test_admin import ADD_URL, change_url, messages_of, post_form
from tests.blog.wordpress import wxr_samples as samples
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db


def make_image(title):
    return Image.objects.create(file=f"images/{title}.jpg", format="JPEG", title=title,
                                width=800, height=600)  # fmt: skip


def filed_then_refiled(client):
    """A post saved under World with tag vienna and image Map, then under Science with tag
    lab and image Chart (and another title)."""
    world, science = make_category("World"), make_category("Science")
    map_, chart = make_image("Map"), make_image("Chart")
    post_form(client, ADD_URL, title="Talks", body="<p>One.</p>", categories=[world.pk],
              tags="vienna", featured_media=map_.pk)  # fmt: skip
    post = Post.objects.get()
    post_form(client, change_url(post), title="Talks again", body="<p>Two.</p>",
              slug=post.slug, categories=[science.pk], tags="lab",
              featured_media=chart.pk)  # fmt: skip
    return post, world, map_


def test_a_revision_keeps_categories_tags_and_featured_image(client, editor):
    post, world, map_ = filed_then_refiled(client)
    older = post.revisions.last()
    assert older.categories == [{"id": world.pk, "name": "World"}]
    assert older.tags == ["vienna"]
    assert older.featured_image == {"id": map_.pk, "title": "Map"}


def test_changing_only_the_categories_keeps_a_revision(client, editor):
    post, world, _ = filed_then_refiled(client)
    post.refresh_from_db()
    post_form(client, change_url(post), title=post.title, body=post.body, slug=post.slug,
              categories=[world.pk], tags="lab", featured_media=post.featured_media_id)  # fmt: skip
    assert post.revisions.count() == 3


def test_comparison_shows_categories_tags_and_image(client, editor):
    post, _, _ = filed_then_refiled(client)
    newer, older = post.revisions.all()
    html = client.get(f"/admin/blog/post/{post.pk}/revisions/",
                      {"a": older.pk, "b": newer.pk}).content.decode()  # fmt: skip
    for label in ("Categories", "Tags", "Featured image"):
        assert label in html
    assert "<del>World</del>" in html and "<ins>Science</ins>" in html
    assert "<del>vienna</del>" in html and "<ins>lab</ins>" in html
    assert "<del>Map</del>" in html and "<ins>Chart</ins>" in html


def test_restore_puts_back_categories_tags_and_image_not_status(client, editor):
    post, world, map_ = filed_then_refiled(client)
    post.refresh_from_db()
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)
    published_at = post.published_at
    client.post(f"/admin/blog/post/{post.pk}/revisions/{post.revisions.last().pk}/restore/")
    post.refresh_from_db()
    assert post.title == "Talks"
    assert list(post.categories.all()) == [world]
    assert list(post.tags.names()) == ["vienna"]
    assert post.featured_media == map_
    assert (post.status, post.published_at) == (Post.Status.PUBLISHED, published_at)


def test_restore_skips_a_deleted_category_and_image_and_says_so(client, editor):
    post, world, map_ = filed_then_refiled(client)
    older = post.revisions.last()
    world.delete()
    Image.objects.filter(pk=map_.pk).delete()
    url = f"/admin/blog/post/{post.pk}/revisions/{older.pk}/restore/"
    assert "Deleted since, so not restored" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Not restored, deleted since: category “World”, featured image “Map”." in (
        messages_of(response)
    )
    post.refresh_from_db()
    assert post.title == "Talks"
    assert list(post.categories.all()) == []
    assert post.featured_media.title == "Chart"  # the image it had stays


def test_restoring_a_revision_made_before_filing_was_kept_leaves_it_alone(client, editor):
    post, _, _ = filed_then_refiled(client)
    old = Revision.objects.create(post=post, title="Very old", body="<p>Old.</p>")
    client.post(f"/admin/blog/post/{post.pk}/revisions/{old.pk}/restore/")
    post.refresh_from_db()
    assert post.title == "Very old"
    assert list(post.categories.values_list("name", flat=True)) == ["Science"]
    assert list(post.tags.names()) == ["lab"]


def test_quick_draft_keeps_a_revision(client, editor):
    client.post("/admin/blog/post/quick-draft/", {"title": "Idea", "text": "Some words."})
    post = Post.objects.get()
    [revision] = post.revisions.all()
    assert (revision.title, revision.author) == ("Idea", editor)


def test_a_wordpress_import_keeps_no_revisions():
    export = samples.export(samples.item(1, "Imported"))
    wordpress_services.wordpress_import(source=io.BytesIO(export))
    assert Post.objects.filter(title="Imported").exists()
    assert not Revision.objects.exists()


def test_restore_page_runs_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    post, _, _ = filed_then_refiled(client)
    url = f"/admin/blog/post/{post.pk}/revisions/{post.revisions.last().pk}/restore/"
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_saves_inside_a_history_import_keep_no_revision():
    post = make_post("Imported")
    with history_import():
        assert revision_record(post=post) is None
    assert revision_record(post=post) is not None
