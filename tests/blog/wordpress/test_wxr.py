import io
from datetime import UTC, datetime

import pytest

from blog.wordpress import wxr
from tests.blog.wordpress import wxr_samples as samples

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{ns}">
<channel><title>Old blog</title><wp:wxr_version>1.2</wp:wxr_version>
"""


def export(body, ns="http://wordpress.org/export/1.2/"):
    return io.BytesIO((HEADER.format(ns=ns) + body + "</channel></rss>").encode())


ITEM = """<item><title>Hello &amp;amp; welcome</title><dc:creator><![CDATA[desk]]></dc:creator>
<content:encoded><![CDATA[First line
second line

[caption id="attachment_7" align="aligncenter" width="300"]<img src="http://old/kerry.jpg" alt="Kerry" width="300" height="200" /> John kerry in Cairo[/caption]

[gallery ids="1,2"]]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>123</wp:post_id><wp:post_date><![CDATA[2014-09-17 12:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2014-09-17 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[%d8%a7%db%8c%d8%b1%d8%a7%d9%86]]></wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:is_sticky>1</wp:is_sticky>
<category domain="category" nicename="iran"><![CDATA[Iran]]></category>
<category domain="post_tag" nicename="isis"><![CDATA[ISIS]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>7</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author><![CDATA[Ann]]></wp:comment_author>
<wp:comment_author_email>ann@example.com</wp:comment_author_email>
<wp:comment_date_gmt>2014-09-18 08:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Nice]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>
<wp:comment_parent>0</wp:comment_parent></wp:comment>
</item>
"""


@pytest.mark.parametrize(
    "ns",
    [
        "http://wordpress.org/export/1.0/",
        "http://wordpress.org/export/1.1/",
        "http://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.2/",
    ],
)
def test_read_accepts_every_wxr_version_and_scheme(ns):
    (item,) = wxr.read(export(ITEM, ns))
    assert item.wp_id == 123
    assert item.is_sticky


def test_read_unescapes_names_escaped_twice_and_decodes_percent_slugs():
    (item,) = wxr.read(export(ITEM))
    assert item.title == "Hello & welcome"
    assert item.slug == "ایران"


def test_read_uses_the_gmt_date():
    (item,) = wxr.read(export(ITEM))
    assert item.date == datetime(2014, 9, 17, 10, 0, tzinfo=UTC)


def test_read_collects_categories_tags_meta_and_comments():
    (item,) = wxr.read(export(ITEM))
    assert item.categories == [("category", "iran", "Iran"), ("tag", "isis", "ISIS")]
    assert item.meta == {"_thumbnail_id": "7"}
    (comment,) = item.comments
    assert (comment.wp_id, comment.kind, comment.approved) == (5, "pingback", "1")


def test_read_yields_channel_authors_and_terms_in_order():
    body = """<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login>
    <wp:author_email>desk@example.com</wp:author_email><wp:author_display_name><![CDATA[News &amp;amp; Desk]]></wp:author_display_name></wp:author>
    <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>nuclear</wp:category_nicename>
    <wp:category_parent>iran</wp:category_parent><wp:cat_name><![CDATA[Nuclear]]></wp:cat_name></wp:category>
    <wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>isis</wp:tag_slug><wp:tag_name><![CDATA[ISIS]]></wp:tag_name></wp:tag>"""
    author, category, tag = wxr.read(export(body))
    assert (author.login, author.display_name) == ("desk", "News & Desk")
    assert (category.slug, category.parent_slug, category.name) == ("nuclear", "iran", "Nuclear")
    assert (tag.kind, tag.slug) == ("tag", "isis")


def test_read_of_a_truncated_file_names_the_line():
    data = export(ITEM).getvalue()[:-400]
    with pytest.raises(wxr.WxrError, match=r"line \d+"):
        list(wxr.read(io.BytesIO(data)))


def test_read_refuses_an_external_entity():
    evil = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title></item></channel></rss>"""
    with pytest.raises(wxr.WxrError, match="refusing"):
        list(wxr.read(io.BytesIO(evil)))


def test_content_to_html_makes_paragraphs_breaks_and_figures():
    (item,) = wxr.read(export(ITEM))
    result = wxr.content_to_html(item.content)
    assert result.startswith("<p>First line<br>\nsecond line</p>")
    assert (
        '<figure><img src="http://old/kerry.jpg" alt="Kerry" width="300" height="200" />'
        "<figcaption>John kerry in Cairo</figcaption></figure>"
    ) in result
    assert '<p>[gallery ids="1,2"]</p>' in result


def test_content_to_html_reads_the_old_caption_attribute():
    text = '[caption id="a" caption="Old &amp; style"]<img src="x.jpg" />[/caption]'
    assert wxr.content_to_html(text) == (
        '<figure><img src="x.jpg" /><figcaption>Old &amp; style</figcaption></figure>'
    )


def test_wpautop_leaves_block_elements_and_pre_alone():
    text = "<h2>Title</h2>\nText after\n\n<pre>code\n\nmore</pre>\n\n<ul><li>a</li></ul>"
    result = wxr.wpautop(text)
    assert "<h2>Title</h2>" in result
    assert "<p>Text after</p>" in result
    assert "<pre>code\n\nmore</pre>" in result
    assert "<p><ul>" not in result


def test_export_with_raw_control_characters_is_read_with_them_dropped():
    data = samples.export(
        samples.item(1, "Breaking\x1dnews", body="From a PDF\x0bline two\x00",
                     comments=[samples.comment(5, text="Pasted\x0ctext\x01")])
    )  # fmt: skip
    [item] = [obj for obj in wxr.read(io.BytesIO(data)) if isinstance(obj, wxr.Item)]
    assert (item.title, item.content) == ("Breakingnews", "From a PDF line two")
    assert item.comments[0].content == "Pasted text"


def test_export_with_control_characters_keeps_every_script_around_them():
    data = samples.export(samples.item(1, "ایران\x1d — 日本\x0b🗞️"))
    [item] = [obj for obj in wxr.read(io.BytesIO(data)) if isinstance(obj, wxr.Item)]
    assert item.title == "ایران — 日本 🗞️"
