"""blog.mail.header_text: people's text made into one header line."""

import io

import pytest
from django.core.mail import EmailMultiAlternatives

from blog.mail import ConsoleMailer, blog_sender, header_text
from blog.models import SiteSettings

BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("brk", BREAKS, ids=[repr(b) for b in BREAKS])
def test_header_text_folds_each_kind_of_line_break_to_one_space(brk):
    assert header_text(f"Fuel prices rise{brk}again") == "Fuel prices rise again"


def test_header_text_folds_a_run_of_breaks_and_spaces_to_one_space():
    assert header_text("Fuel prices rise \r\n\u2028  again") == "Fuel prices rise again"


def test_header_text_replaces_other_control_characters():
    assert header_text("Null\x00and\tbell\x07") == "Null and bell"


def test_header_text_trims_breaks_at_the_ends():
    assert header_text("\u2029Title\n") == "Title"


def test_header_text_keeps_other_scripts_and_non_breaking_spaces():
    assert header_text("Ünïcode — 日本語\xa0ok") == "Ünïcode — 日本語\xa0ok"


def test_header_text_of_an_empty_value_is_empty():
    assert header_text("") == ""


@pytest.mark.django_db
def test_blog_sender_is_the_blogs_name_at_the_configured_address(settings):
    settings.DEFAULT_FROM_EMAIL = "Newsroom <news@example.com>"
    site = SiteSettings.load()
    site.title = "Iran News Watch"
    site.save()
    assert blog_sender() == "Iran News Watch <news@example.com>"


@pytest.mark.django_db
def test_blog_sender_quotes_a_name_with_punctuation():
    site = SiteSettings.load()
    site.title = "News, Views\u2028& More"
    site.save()
    assert blog_sender() == '"News, Views & More" <blog@localhost>'


LINK = "http://localhost:8000/comments/confirm/eJyrVkrLz1eyUlAqzs9NVahVSM7PS0lNLlEoSS0u0VEwMjA0sTQwMTSyMDYwsDAyMDQ0sjA2MDQ0NjAyMjA0MjA0MjQ3MTE0NDQ0MjA0NjA0Nw==/"


def test_console_mailer_prints_links_whole_and_headers_decoded():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        "Confirm your comment on “Ünïcode”", f"Hello Zoë,\n\nOpen this link:\n\n{LINK}\n",
        "Iran News Watch <blog@localhost>", ["reader@example.com"],
    )  # fmt: skip
    message.attach_alternative(
        f'<p><a href="{LINK}?a=1&amp;b=2">Confirm</a> — Zoë</p>', "text/html"
    )
    ConsoleMailer(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert "Subject: Confirm your comment on “Ünïcode”" in printed
    assert "From: Iran News Watch <blog@localhost>" in printed
    assert f"\n{LINK}\n" in printed
    assert f'href="{LINK}?a=1&amp;b=2"' in printed
    assert "Hello Zoë," in printed and "=3D" not in printed and "=C3" not in printed


def test_console_mailer_names_attachments_without_printing_them():
    stream = io.StringIO()
    message = EmailMultiAlternatives("Export", "Attached.", None, ["editor@example.com"])
    message.attach("export.xml", b"<rss/>" * 1000, "application/xml")
    ConsoleMailer(stream=stream).send_messages([message])
    assert "----- attachment: export.xml (application/xml)" in stream.getvalue()
    assert "<rss/>" not in stream.getvalue()
