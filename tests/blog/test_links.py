"""Fault 1 of the security review: every address the blog prints passes one check (blog.links)."""

import pytest
from django.core.exceptions import ValidationError

from blog.links import safe_url, validate_web_url_lines
from blog.models import SiteSettings, SocialProfile
from comments.forms import CommentForm
from tests.comments.factories import make_comment
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:fetch('/admin/auth/user/')",
    "JaVaScRiPt:alert(1)",
    " \tjava\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
]


@pytest.mark.parametrize("address", HOSTILE)
def test_safe_url_refuses_addresses_that_are_not_http(address):
    assert safe_url(address) == ""


def test_safe_url_keeps_http_and_https_addresses():
    assert safe_url(" https://example.com/me ") == "https://example.com/me"


def test_safe_url_admits_mailto_only_where_asked():
    assert (safe_url("mailto:a@example.com"), safe_url("mailto:a@example.com", mailto=True)) == (
        "",
        "mailto:a@example.com",
    )


def test_profile_links_refuse_javascript_when_saved():
    with pytest.raises(ValidationError):
        validate_web_url_lines("https://example.com/\nJavaScript:alert(document.cookie)")


def test_profile_links_form_in_the_admin_refuses_javascript(client):
    editor = make_user("chief", is_superuser=True, is_staff=True)
    client.force_login(editor)
    profile = editor.profile
    data = {"user": editor.pk, "display_name": "Chief", "links": "JAVASCRIPT:alert(1)"}
    response = client.post(f"/admin/blog/authorprofile/{profile.pk}/change/", data)
    profile.refresh_from_db()
    assert (response.status_code, profile.links) == (200, "")


def test_author_box_never_prints_a_javascript_link_stored_before_the_check(client):
    author = make_user("writer", bio="Writes.")
    author.profile.links = "javascript:alert(1)\nhttps://example.com/writer"
    author.profile.website = "JavaScript:alert(2)"
    author.profile.save()
    post = make_post(author=author)
    html = client.get(post.get_absolute_url()).content.decode().lower()
    assert ("javascript:" not in html, "https://example.com/writer" in html) == (True, True)


def test_social_profile_refuses_javascript():
    profile = SocialProfile(site=SiteSettings.load(), kind="mastodon", url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_follow_us_widget_never_prints_a_javascript_link(client):
    SocialProfile.objects.create(site=SiteSettings.load(), kind="mastodon", url="javascript:x")
    SocialProfile.objects.create(site=SiteSettings.load(), kind="email", url="JavaScript:y")
    make_post()
    assert "javascript:" not in client.get("/").content.decode().lower()


def test_comment_website_refuses_javascript():
    post = make_post()
    form = CommentForm(post, data={"url": "javascript:alert(1)"})
    form.is_valid()
    assert "url" in form.errors


def test_comment_author_link_stored_as_javascript_is_printed_as_plain_name(client):
    post = make_post()
    make_comment(post, user_name="Mallory", user_url="JavaScript:alert(1)")
    html = client.get(post.get_absolute_url()).content.decode()
    assert ("javascript:" not in html.lower(), "Mallory" in html) == (True, True)
