import re
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.utils import dateformat

from blog import generations
from comments.forms import CommentForm
from comments.templatetags.comments_tags import comment_avatar, comment_text, time_html
from tests.comments.factories import form_data
from tests.factories import make_post


def test_comment_text_keeps_paragraphs_and_line_breaks():
    html = comment_text("First line\nsecond line\n\n\nNew paragraph")
    assert html == "<p>First line<br>second line</p>\n<p>New paragraph</p>"


def test_comment_text_links_addresses_with_nofollow_ugc_noopener():
    html = comment_text("Read https://example.org/a?b=1&c=2 now")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=2</a>"
    ) in html


def test_comment_text_escapes_markup():
    html = comment_text('<b>bold</b> <a href="javascript:x">y</a> rel="nofollow"')
    assert "<b>" not in html and "<a " not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "rel=&quot;nofollow&quot;" in html


def test_avatar_is_initials_with_a_stable_colour_and_no_email():
    comment = SimpleNamespace(user_id=None, user=None, user_name="Leila Karimi",
                              user_email="leila@example.com")  # fmt: skip
    html = comment_avatar(comment)
    assert ">LK</span>" in html and "comment-avatar hue-" in html
    assert html == comment_avatar(comment)
    assert "leila" not in html and "gravatar" not in html


VOLATILE = re.compile(r'name="(timestamp|security_hash)" value="[0-9a-f]+"')


def section(post, *, generation):
    """The post's comment section for a reader not signed in, rendered under the page-cache
    generation (None: none known, the form's template is drawn)."""
    request = RequestFactory().get(post.get_absolute_url())
    request.user = AnonymousUser()
    template = engines["django"].from_string("{% load comments_tags %}{% comment_section post %}")
    with generations.generation_known(generation):
        return template.render({"post": post}, request), request


@pytest.mark.django_db
def test_anonymous_form_made_once_a_generation_is_the_templates_to_the_byte():
    first, second = make_post("First"), make_post("خبر دوم <&> “post”")  # a non-Latin slug
    drawn, _request = section(second, generation=None)
    generation = uuid.uuid4().hex
    section(first, generation=generation)  # the form's HTML is made here, under the first post

    kept, _request = section(second, generation=generation)

    assert 'id="commentform"' in kept and f'value="{second.pk}"' in kept
    assert VOLATILE.sub("", kept) == VOLATILE.sub("", drawn)


@pytest.mark.django_db
@pytest.mark.parametrize("generation", [None, "g-login-links"])
def test_log_in_links_under_the_form_bring_the_reader_back_to_a_non_latin_post(generation):
    """The address is percent-encoded once: not %25D8... (a second time), which lands on the
    post only because the log-in page decodes the next address twice."""
    post = make_post("خبر")
    html, _request = section(post, generation=generation)
    address = post.get_absolute_url()
    assert "%D8" in address
    assert f"?next={address}%23respond" in html and "%25" not in html


@pytest.mark.django_db
def test_form_offers_icons_only_when_there_are_sign_in_buttons():
    html, _request = section(make_post(), generation=None)
    assert "Fill in your details below:" in html and "click an icon" not in html


@pytest.mark.django_db
def test_anonymous_form_made_once_a_generation_can_be_posted():
    post = make_post()
    generation = uuid.uuid4().hex
    section(make_post(), generation=generation)
    html, _request = section(post, generation=generation)

    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', html))
    form = CommentForm(post, data={**form_data(post), **hidden})

    assert hidden["object_pk"] == str(post.pk)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("zone", "utc"),
    [
        ("UTC", datetime(2026, 12, 3, 12, 0, 7, 250000)),
        ("Asia/Kolkata", datetime(2014, 11, 24, 20, 35, 59)),  # +05:30
        ("Europe/Paris", datetime(2026, 10, 25, 0, 59, 30)),  # the hour shown twice, first
        ("Europe/Paris", datetime(2026, 10, 25, 1, 0, 30)),  # and second time
        ("Europe/Paris", datetime(2026, 3, 29, 1, 0, 1)),  # after the hour skipped
        ("Europe/Amsterdam", datetime(1937, 6, 30, 23, 40, 30)),  # +00:19:32, then +00:20
        ("Europe/Amsterdam", datetime(1920, 1, 1, 10, 0, 0)),  # +00:19:32 all day
    ],
)
def test_time_of_a_comment_is_its_moment_in_the_zone_to_the_second(zone, utc):
    zone, moment = ZoneInfo(zone), utc.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    label = dateformat.format(local, "F j, Y \\a\\t g:i a")

    html = time_html(moment, zone, "en")

    assert html == f'<time datetime="{local.isoformat(timespec="seconds")}">{label}</time>'
