"""Inline markup in titles (<em>, as WordPress allows) shows as HTML on pages and as plain
text where only text can go."""

import io
import re
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model

from blog.followers.deliveries import post_mailing
from blog.models import Post
from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples
from tests.factories import make_page, make_post

pytestmark = pytest.mark.django_db

TITLE = "Why <em>Iran</em> waits &amp; <strong>sees</strong>"


def head(html, pattern):
    return re.search(pattern, html, re.S).group(1)


def test_post_page_shows_the_titles_markup_and_text_in_the_head(client):
    post = make_post(TITLE)
    html = client.get(post.get_absolute_url()).content.decode()
    assert (
        '<h1 class="entry-title">Why <em>Iran</em> waits &amp; <strong>sees</strong></h1>' in html
    )
    assert head(html, r"<title>(.*?)</title>").startswith("Why Iran waits &amp; sees —")
    assert '<meta property="og:title" content="Why Iran waits &amp; sees">' in html
    assert '"headline": "Why Iran waits \\u0026 sees"' in html


def test_post_lists_show_the_titles_markup(client):
    post = make_post(TITLE)
    html = client.get("/").content.decode()
    assert f'<a href="{post.get_absolute_url()}">Why <em>Iran</em> waits' in html
    assert "&lt;em&gt;" not in html


def test_hostile_markup_in_a_title_is_dropped(client):
    post = make_post('<script>alert(1)</script><a href="http://x.example/">Link</a> <img src=x>')
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<h1 class="entry-title">Link </h1>' in html
    assert "<script>alert" not in html


def test_page_title_markup_shows_on_the_page_and_not_in_its_head(client):
    page = make_page("About <em>us</em>")
    html = client.get(page.get_absolute_url()).content.decode()
    assert '<h1 class="entry-title">About <em>us</em></h1>' in html
    assert head(html, r"<title>(.*?)</title>").startswith("About us —")


def test_mail_subject_and_feed_title_are_text():
    post = make_post(TITLE)
    assert post_mailing(post).subject == "Why Iran waits & sees"
    assert str(post) == "Why Iran waits & sees"


def test_feed_title_is_the_text(client):
    make_post(TITLE)
    root = ElementTree.fromstring(client.get("/feed/").content)
    assert root.findtext("channel/item/title") == "Why Iran waits & sees"


def test_admin_list_shows_the_title_as_text(admin_client):
    make_post(TITLE)
    html = admin_client.get("/admin/blog/post/").content.decode()
    assert "Why Iran waits &amp; sees</a>" in html
    assert "&lt;em&gt;" not in html


def test_imported_title_with_markup_keeps_it_and_gets_a_clean_slug():
    title = "Why &lt;em&gt;Iran&lt;/em&gt; waits"
    wordpress_services.wordpress_import(
        source=io.BytesIO(samples.export(samples.item(1, title, slug="")))
    )
    post = Post.objects.get()
    assert (post.title, post.slug) == ("Why <em>Iran</em> waits", "why-iran-waits")


def test_new_post_slug_is_made_from_the_titles_text():
    author = get_user_model().objects.create(username="ed")
    assert Post.objects.create(title=TITLE, author=author).slug == "why-iran-waits-sees"
