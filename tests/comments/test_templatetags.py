from types import SimpleNamespace

from comments.templatetags.comments_tags import comment_avatar, comment_text


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
