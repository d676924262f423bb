"""The post form's server-side autosave: one per editor and post, never the post itself."""

import pytest
from django.test import Client

from blog.models import Post
from blog.revisions.admin import AUTOSAVE_LIMIT
from blog.revisions.models import Revision
from tests.blog.test_admin import change_url, messages_of, post_form
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

NEW_URL = "/admin/blog/post/autosave/"


def autosave_url(post):
    return f"/admin/blog/post/{post.pk}/autosave/"


def text(title="Talks resume", body="<p>Typed so far.</p>", excerpt=""):
    return {"title": title, "body": body, "excerpt": excerpt}


def test_autosave_keeps_the_text_and_leaves_the_published_post_alone(client, editor):
    post = make_post("Talks", author=editor, body="<p>Published words.</p>")
    response = client.post(autosave_url(post), text(body="<p>New words.</p>"))
    assert response.status_code == 200 and response.json()["post"] == post.pk
    post.refresh_from_db()
    assert (post.title, post.body, post.status) == ("Talks", "<p>Published words.</p>",
                                                    Post.Status.PUBLISHED)  # fmt: skip
    [autosave] = post.revisions.filter(kind=Revision.Kind.AUTOSAVE)
    assert (autosave.body, autosave.author) == ("<p>New words.</p>", editor)


def test_autosave_is_replaced_each_time_one_per_editor(client, editor):
    post = make_post(author=editor)
    client.post(autosave_url(post), text(body="<p>One.</p>"))
    client.post(autosave_url(post), text(body="<p>One. Two.</p>"))
    other = make_user("other", group="Editor")
    second = Client()
    second.force_login(other)
    second.post(autosave_url(post), text(body="<p>Mine.</p>"))
    kept = post.revisions.filter(kind=Revision.Kind.AUTOSAVE).order_by("author__username")
    assert [(a.author.username, a.body) for a in kept] == [
        ("editor", "<p>One. Two.</p>"), ("other", "<p>Mine.</p>"),
    ]  # fmt: skip


def test_autosave_of_another_authors_post_is_refused(client):
    post = make_post("A's post", author=make_user("a", group="Author"))
    client.force_login(make_user("b", group="Author"))
    response = client.post(autosave_url(post), text(title="Hijacked"))
    assert response.status_code == 403
    assert not Revision.objects.exists()
    post.refresh_from_db()
    assert post.title == "A's post"


def test_autosave_needs_staff(client):
    post = make_post()
    client.force_login(make_user("reader"))
    client.post(autosave_url(post), text())
    assert not Revision.objects.exists()


def test_autosave_needs_the_csrf_token(editor):
    post = make_post(author=editor)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(autosave_url(post), text()).status_code == 403
    assert not Revision.objects.exists()


def test_autosave_is_post_only(client, editor):
    assert client.get(autosave_url(make_post(author=editor))).status_code == 405


def test_autosave_with_a_too_long_title_explains_and_keeps_nothing(client, editor):
    post = make_post(author=editor)
    response = client.post(autosave_url(post), text(title="T" * 301))
    assert response.status_code == 400 and "title" in response.json()["errors"]
    assert not Revision.objects.exists()


def test_autosaves_past_the_limit_are_refused(client, editor):
    post = make_post(author=editor)
    codes = [client.post(autosave_url(post), text(body=f"<p>{n}</p>")).status_code
             for n in range(AUTOSAVE_LIMIT + 1)]  # fmt: skip
    assert codes[-1] == 429 and set(codes[:-1]) == {200}
    assert post.revisions.get(kind=Revision.Kind.AUTOSAVE).body == f"<p>{AUTOSAVE_LIMIT - 1}</p>"


def test_autosave_body_is_sanitized(client, editor):
    post = make_post(author=editor)
    client.post(autosave_url(post), text(body='<p onclick="x()">Hi<script>bad()</script></p>'))
    assert post.revisions.get(kind=Revision.Kind.AUTOSAVE).body == "<p>Hi</p>"


def test_first_autosave_of_a_new_post_makes_a_draft(client, editor):
    response = client.post(NEW_URL, text(title="Notes", body="<p>Started.</p>"))
    post = Post.objects.get()
    assert (post.title, post.body, post.status, post.author) == (
        "Notes", "<p>Started.</p>", Post.Status.DRAFT, editor,
    )  # fmt: skip
    assert response.json()["change_url"] == change_url(post)
    assert response.json()["autosave_url"] == autosave_url(post)


def test_autosave_of_an_empty_new_form_makes_nothing(client, editor):
    assert client.post(NEW_URL, text(title="", body="<p></p>")).status_code == 400
    assert not Post.objects.exists()


def test_new_post_autosave_needs_add_permission(client):
    client.force_login(make_user("guest", is_staff=True))
    assert client.post(NEW_URL, text()).status_code == 403
    assert not Post.objects.exists()


def test_form_offers_a_newer_autosave_back(client, editor):
    post = make_post(author=editor, status=Post.Status.DRAFT)
    client.post(autosave_url(post), text(body="<p>Unsaved words.</p>"))
    autosave = post.revisions.get(kind=Revision.Kind.AUTOSAVE)
    response = client.get(change_url(post))
    [notice] = messages_of(response)
    assert notice.startswith(
        '<span class="autosave-server-notice">There is an autosave of this post that is more '
        "recent than the version below."
    )
    assert f'/revisions/{autosave.pk}/restore/">Restore the autosave</a>' in notice


def test_form_does_not_offer_another_editors_autosave(client, editor):
    post = make_post(author=editor, status=Post.Status.DRAFT)
    other = Client()
    other.force_login(make_user("other", group="Editor"))
    other.post(autosave_url(post), text(body="<p>Theirs.</p>"))
    assert messages_of(client.get(change_url(post))) == []


def test_restoring_the_autosave_puts_its_text_on_the_post(client, editor):
    post = make_post(author=editor, status=Post.Status.DRAFT)
    client.post(autosave_url(post), text(title="Talks resume", body="<p>Unsaved words.</p>"))
    autosave = post.revisions.get(kind=Revision.Kind.AUTOSAVE)
    response = client.post(f"/admin/blog/post/{post.pk}/revisions/{autosave.pk}/restore/",
                           follow=True)  # fmt: skip
    assert "The autosave was restored." in messages_of(response)
    post.refresh_from_db()
    assert (post.title, post.body) == ("Talks resume", "<p>Unsaved words.</p>")
    assert post.revisions.first().note.startswith("Restored the autosave of")
    assert not post.revisions.filter(kind=Revision.Kind.AUTOSAVE).exists()


def test_saving_the_form_deletes_the_editors_autosave(client, editor):
    post = make_post(author=editor, status=Post.Status.DRAFT)
    client.post(autosave_url(post), text(body="<p>Unsaved words.</p>"))
    post_form(client, change_url(post), title="Saved", body="<p>Saved words.</p>",
              slug=post.slug)  # fmt: skip
    assert not post.revisions.filter(kind=Revision.Kind.AUTOSAVE).exists()
    assert not any("autosave" in m for m in messages_of(client.get(change_url(post))))


def test_an_autosave_that_says_what_the_post_says_is_not_offered(client, editor):
    post = make_post("Q&A: the talks", author=editor, excerpt="Who, what.", body="<p>Words.</p>")
    client.post(autosave_url(post), text(title="Q&A: the talks", excerpt=" Who,\n what. ",
                                          body="<p>Words.</p>"))  # fmt: skip
    assert post.revisions.filter(kind=Revision.Kind.AUTOSAVE).exists()
    assert messages_of(client.get(change_url(post))) == []


def test_autosave_runs_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    post = make_post(author=editor, categories=[], tags=["a", "b", "c"])
    client.post(autosave_url(post), text())
    with django_assert_max_num_queries(13):
        assert client.post(autosave_url(post), text(body="<p>More.</p>")).status_code == 200
