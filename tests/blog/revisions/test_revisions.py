"""blog.revisions: every save of a post kept; compare two, restore one."""

import pytest

from blog.models import Post
from blog.revisions.models import Revision
from tests.blog.test_admin import ADD_URL, change_url, post_form
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def write_twice(client):
    post_form(client, ADD_URL, title="Talks resume", body="<p>First version.</p>")
    post = Post.objects.get()
    post_form(client, change_url(post), title="Talks resume in Vienna",
              body="<p>Second version.</p>")  # fmt: skip
    post.refresh_from_db()
    return post


def test_every_save_keeps_a_revision_by_who_saved(client, editor):
    post = write_twice(client)
    titles = list(post.revisions.values_list("title", flat=True))
    assert titles == ["Talks resume in Vienna", "Talks resume"]
    assert {revision.author for revision in post.revisions.all()} == {editor}


def test_a_save_that_changes_nothing_adds_no_revision(client, editor):
    post = write_twice(client)
    post_form(client, change_url(post), title=post.title, body="<p>Second version.</p>",
              slug=post.slug)  # fmt: skip
    assert post.revisions.count() == 2


def test_post_form_links_to_its_revisions(client, editor):
    post = write_twice(client)
    html = client.get(change_url(post)).content.decode()
    assert f'2 revisions · <a href="/admin/blog/post/{post.pk}/revisions/">' in html


def test_revisions_page_compares_two_revisions_side_by_side(client, editor):
    post = write_twice(client)
    newer, older = post.revisions.all()
    html = client.get(f"/admin/blog/post/{post.pk}/revisions/",
                      {"a": older.pk, "b": newer.pk}).content.decode()  # fmt: skip
    assert 'class="revision-diff"' in html
    assert "<del>First</del>" in html and "<ins>Second</ins>" in html


def test_restoring_a_revision_puts_its_text_back_and_is_a_revision_itself(client, editor):
    post = write_twice(client)
    older = post.revisions.last()
    response = client.post(f"/admin/blog/post/{post.pk}/revisions/{older.pk}/restore/")
    assert response["Location"] == change_url(post)
    post.refresh_from_db()
    assert (post.title, post.body) == ("Talks resume", "<p>First version.</p>")
    latest = post.revisions.first()
    assert latest.title == "Talks resume" and latest.note.startswith("Restored the revision of")


def test_restore_asks_first_and_shows_what_would_change(client, editor):
    post = write_twice(client)
    url = f"/admin/blog/post/{post.pk}/revisions/{post.revisions.last().pk}/restore/"
    html = client.get(url).content.decode()
    assert "Restore the revision of" in html and 'value="Restore this revision"' in html
    assert "<del>Second</del>" in html and "<ins>First</ins>" in html
    post.refresh_from_db()
    assert post.title == "Talks resume in Vienna"  # the GET changed nothing


def test_authors_cannot_see_or_restore_revisions_of_others_posts(client):
    other = make_post("Someone else's")
    revision = Revision.objects.create(post=other, title="Old", body="<p>Old</p>")
    client.force_login(make_user("author", group="Author"))
    assert client.get(f"/admin/blog/post/{other.pk}/revisions/").status_code == 403
    response = client.post(f"/admin/blog/post/{other.pk}/revisions/{revision.pk}/restore/")
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.title == "Someone else's"


def test_revisions_page_runs_a_fixed_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    post = make_post()
    for n in range(20):
        Revision.objects.create(post=post, title=f"Take {n}", body=f"<p>{n}</p>", author=editor)
    with django_assert_max_num_queries(12):
        assert client.get(f"/admin/blog/post/{post.pk}/revisions/").status_code == 200
