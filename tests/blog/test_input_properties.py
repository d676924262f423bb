"""Property-based: whatever text readers and editors send, the blog answers without a 5xx,
writes whole rows or none, and its feeds and sitemap still parse as XML (issue 13)."""

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from taggit.models import Tag

from blog.models import AuthorProfile, Category, Page, Post, RateCounter
from tests.factories import make_post, make_user
from tests.forms import form_fields
from tests.strategies import any_text, text
from tests.xmlcheck import assert_feeds_parse

pytestmark = pytest.mark.django_db

examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def reader(client):
    client.raise_request_exception = False  # a 500 is an answer to check, not an exception
    return client


@pytest.fixture
def editor(client):
    client.raise_request_exception = False
    client.force_login(get_user_model().objects.create_superuser("chief", "c@example.com", "pw"))
    return client


@examples
@given(segment=any_text)
def test_reader_addresses_never_fail_whatever_the_path(reader, segment):
    post = make_post("A post")
    quoted = quote(segment, safe="")
    for path in [
        f"/tag/{quoted}/", f"/tag/{quoted}/feed/", f"/author/{quoted}/", f"/category/{quoted}/",
        f"/category/{quoted}/feed/atom/", f"/{quoted}/", f"/2026/01/02/{quoted}/",
        post.get_absolute_url() + f"{quoted}/", f"/search/?q={quoted}", f"/?p={quoted}",
        f"/?s={quoted}", f"/search/?q=a&page={quoted}", f"/?cat={quoted}",
    ]:  # fmt: skip
        assert reader.get(path).status_code < 500, path


@examples
@given(email=any_text)
def test_follow_and_leave_forms_answer_whatever_the_address(reader, email):
    RateCounter.objects.all().delete()
    for path in ["/followers/", "/followers/leave/"]:
        assert reader.post(path, {"email": email}).status_code < 500, path


@examples
@given(value=any_text)
def test_like_answers_whatever_is_sent(reader, value):
    RateCounter.objects.all().delete()
    post = make_post()
    assert reader.post(f"/likes/{post.pk}/", {"like": value}).status_code < 500


def admin_form(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return form_fields(response.content.decode(), form_id=None)


def submit_changed(client, path, model, field, value):
    """Post the admin form at path with one field changed; whole row or none."""
    data = admin_form(client, path)
    data[field] = value
    before = model.objects.count()
    response = client.post(path, data)
    assert response.status_code < 500, (field, value)
    created = model.objects.count() - before
    assert created == (1 if response.status_code == 302 and path.endswith("/add/") else 0)
    return response


@examples
@given(title=any_text, body=text, tags=any_text, slug=text)
def test_admin_post_form_keeps_a_post_whole_or_explains(editor, title, body, tags, slug):
    path = "/admin/blog/post/add/"
    data = admin_form(editor, path)
    data.update(title=title, body=f"<p>{body}</p>", tags=tags, slug=slug, status="published")
    data.update(author=str(get_user_model().objects.get(username="chief").pk))
    before = Post.objects.count()
    response = editor.post(path, data)
    assert response.status_code < 500
    assert Post.objects.count() - before == (1 if response.status_code == 302 else 0)
    if response.status_code != 302:
        assert "errornote" in response.content.decode()  # the editor is told what to fix
    assert_feeds_parse(editor)


@examples
@given(name=any_text, description=text)
def test_admin_category_form_keeps_a_category_whole_or_explains(editor, name, description):
    data = admin_form(editor, "/admin/blog/category/add/")
    data.update(name=name, slug="", description=description)
    before = Category.objects.count()
    response = editor.post("/admin/blog/category/add/", data)
    assert response.status_code < 500
    assert Category.objects.count() - before == (1 if response.status_code == 302 else 0)


@examples
@given(title=any_text, body=text)
def test_admin_page_form_keeps_a_page_whole_or_explains(editor, title, body):
    data = admin_form(editor, "/admin/blog/page/add/")
    data.update(title=title, slug="", body=f"<p>{body}</p>", status="published")
    data.update(author=str(get_user_model().objects.get(username="chief").pk))
    before = Page.objects.count()
    response = editor.post("/admin/blog/page/add/", data)
    assert response.status_code < 500
    assert Page.objects.count() - before == (1 if response.status_code == 302 else 0)
    assert_feeds_parse(editor)


@examples
@given(name=any_text)
def test_admin_tag_form_keeps_a_tag_whole_or_explains(editor, name):
    before = Tag.objects.count()
    response = editor.post("/admin/taggit/tag/add/", {"name": name, "slug": ""})
    assert response.status_code < 500
    assert Tag.objects.count() - before == (1 if response.status_code == 302 else 0)


@examples
@given(display_name=any_text, bio=text, links=any_text)
def test_admin_profile_form_keeps_a_profile_whole_or_explains(editor, display_name, bio, links):
    user = make_user()
    profile = AuthorProfile.objects.get(user=user)
    path = f"/admin/blog/authorprofile/{profile.pk}/change/"
    data = admin_form(editor, path)
    data.update(display_name=display_name, bio=bio)
    for field in [name for name in data if "link" in name]:
        data[field] = links
    response = editor.post(path, data)
    assert response.status_code < 500
    profile.refresh_from_db()
    if response.status_code == 302:
        assert profile.display_name == display_name.strip() or profile.display_name


@examples
@given(title=any_text, tagline=any_text)
def test_admin_site_settings_keep_the_old_values_or_take_the_new(editor, title, tagline):
    editor.get("/admin/blog/sitesettings/")  # makes the one row
    path = editor.get("/admin/blog/sitesettings/")["Location"]
    data = admin_form(editor, path)
    text_fields = [name for name, value in data.items() if name in ("title", "tagline")]
    for name, value in zip(text_fields, [title, tagline], strict=False):
        data[name] = value
    response = editor.post(path, data)
    assert response.status_code < 500
    assert_feeds_parse(editor)


@pytest.mark.django_db(transaction=True)  # the mailing is planned when the post commits
@examples
@given(title=any_text)
def test_followers_get_the_post_whatever_its_title(run_jobs, mailoutbox, title):
    """Mail headers still build: a title's line breaks of every kind fold into the subject."""
    from blog.followers.models import Follower
    from tests.worker import run_until_idle

    Follower.objects.get_or_create(email="member@example.com", status=Follower.Status.ACTIVE)
    mailoutbox.clear()
    make_post(title.replace("\x00", "")[:300])  # what the post form lets through
    jobs = run_until_idle(run_jobs)
    assert [job for job in jobs.values() if job["status"] == "failed"] == []
    assert len(mailoutbox) == 1
    assert not any(c in mailoutbox[0].subject for c in "\r\n\x0b\x0c\x85\u2028\u2029")
