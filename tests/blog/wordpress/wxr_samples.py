"""WXR exports written for the tests: what real WordPress exports contain, in small."""

NS = "http://wordpress.org/export/1.2/"


def comment(wp_id, parent=0, *, kind="", approved="1", author="Reader", url="", text=None):
    return f"""<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>
<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
<wp:comment_author_email><![CDATA[{author.lower().replace(" ", "")}@example.com]]></wp:comment_author_email>
<wp:comment_author_url>{url}</wp:comment_author_url><wp:comment_author_IP>203.0.113.9</wp:comment_author_IP>
<wp:comment_date><![CDATA[2014-09-18 10:{wp_id % 60:02d}:00]]></wp:comment_date>
<wp:comment_date_gmt><![CDATA[2014-09-18 08:{wp_id % 60:02d}:00]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text or f"Comment number {wp_id}"}]]></wp:comment_content>
<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
<wp:comment_type><![CDATA[{kind}]]></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>
<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"""


def item(wp_id, title, *, status="publish", slug=None, date="2014-09-17 10:00:00", body="Text.",
         creator="desk", categories=(), tags=(), comments=(), post_type="post", sticky=0,
         attachment_url="", excerpt="", meta=(), parent=0, menu_order=0, link=None,
         password=""):  # fmt: skip
    cats = "".join(
        f'<category domain="category" nicename="{nice}"><![CDATA[{name}]]></category>'
        for nice, name in categories
    )
    cats += "".join(
        f'<category domain="post_tag" nicename="{nice}"><![CDATA[{name}]]></category>'
        for nice, name in tags
    )
    metas = "".join(
        f"<wp:postmeta><wp:meta_key>{k}</wp:meta_key><wp:meta_value><![CDATA[{v}]]></wp:meta_value></wp:postmeta>"
        for k, v in meta
    )
    gmt = "0000-00-00 00:00:00" if status == "draft" else date
    link = link or f"http://oldblog.example/news/{slug or wp_id}.html"
    return f"""<item><title>{title}</title><link>{link}</link>
<dc:creator><![CDATA[{creator}]]></dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded><wp:post_id>{wp_id}</wp:post_id>
<wp:post_date><![CDATA[{date}]]></wp:post_date><wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:ping_status>open</wp:ping_status>
<wp:post_name><![CDATA[{slug if slug is not None else ""}]]></wp:post_name><wp:status>{status}</wp:status>
<wp:post_password><![CDATA[{password}]]></wp:post_password><wp:post_parent>{parent}</wp:post_parent><wp:menu_order>{menu_order}</wp:menu_order><wp:post_type>{post_type}</wp:post_type><wp:is_sticky>{sticky}</wp:is_sticky>
<wp:attachment_url>{attachment_url}</wp:attachment_url>{cats}{metas}{"".join(comments)}</item>
"""


def export(*parts, ns=NS):
    head = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
<channel><title>Old Blog</title><link>http://oldblog.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login>
<wp:author_email><![CDATA[desk@oldblog.example]]></wp:author_email>
<wp:author_display_name><![CDATA[News &amp;amp; Desk]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>10</wp:term_id><wp:category_nicename><![CDATA[iran]]></wp:category_nicename>
<wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Iran]]></wp:cat_name>
<wp:category_description><![CDATA[All about Iran]]></wp:category_description></wp:category>
<wp:category><wp:term_id>11</wp:term_id><wp:category_nicename><![CDATA[nuclear]]></wp:category_nicename>
<wp:category_parent><![CDATA[iran]]></wp:category_parent><wp:cat_name><![CDATA[Iranian Nuclear Crisis]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>12</wp:term_id><wp:category_nicename><![CDATA[talks]]></wp:category_nicename>
<wp:category_parent><![CDATA[nuclear]]></wp:category_parent><wp:cat_name><![CDATA[nuclear talks]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>20</wp:term_id><wp:tag_slug><![CDATA[isis]]></wp:tag_slug><wp:tag_name><![CDATA[ISIS]]></wp:tag_name></wp:tag>
"""
    return (head + "".join(parts) + "</channel></rss>\n").encode()


def page(wp_id, title, path, **fields):
    """A WordPress page whose permalink is its path, as WordPress makes it."""
    slug = path.rsplit("/", 1)[-1]
    return item(wp_id, title, post_type="page", slug=slug, link=f"http://oldblog.example/{path}/",
                **fields)  # fmt: skip


def full_export():
    """Posts of every status, deep threads, pings, unicode, a captioned image, an attachment,
    and a tree of pages (a child before its parent, a draft, a comment on a page)."""
    thread = [comment(100)] + [comment(100 + depth, 100 + depth - 1) for depth in range(1, 6)]
    pings = [
        comment(
            200, kind="pingback", author="Other Blog &raquo; A post", url="http://other.example/a"
        ),
        comment(201, kind="trackback", author="Third Blog", url="http://third.example/b"),
        comment(202, approved="spam", author="Spammer", text="Buy pills"),
        comment(203, approved="0", author="Waiting", text="Held for moderation"),
    ]
    caption = '[caption id="attachment_7" width="300"]<img src="http://oldblog.example/wp-content/uploads/kerry.jpg" alt="Kerry" width="300" height="200" /> John kerry in Cairo- Zee Media Bureau[/caption]'
    return export(
        item(1, "Why Iran Was Not Invited to the Anti ISIS Club", slug="why-iran",
             body=f"First paragraph.\n\n{caption}\n\nLast paragraph.",
             categories=[("nuclear", "Iranian Nuclear Crisis"), ("talks", "nuclear talks")],
             tags=[("isis", "ISIS"), ("john-kerry", "John Kerry")], comments=thread + pings,
             sticky=1),
        item(2, "Brouillon", status="draft", slug=""),
        item(3, "Coming soon", status="future", slug="coming-soon", date="2099-01-01 09:00:00"),
        item(4, "Members only", status="private", slug="members-only"),
        item(5, "ایران و آمریکا", slug="%d8%a7%db%8c%d8%b1%d8%a7%d9%86"),
        item(6, "A" * 290 + " very long", slug="long"),
        item(7, "kerry", post_type="attachment", status="inherit",
             attachment_url="http://oldblog.example/wp-content/uploads/kerry.jpg",
             excerpt="John kerry in Cairo- Zee Media Bureau",
             meta=[("_wp_attachment_image_alt", "John Kerry")]),
        page(11, "Our team", "about/team", parent=8, body="Who we are.\n\nThe desk."),
        page(8, "About", "about", menu_order=2, date="2012-05-01 09:00:00",
             body="A blog on Iran.\n\nSince 2012.", comments=[comment(300)]),
        page(12, "Contact", "contact", menu_order=1),
        page(13, "Guidelines", "about/guidelines", status="draft", parent=8),
        item(9, "Hostile", slug="hostile", body='<script>alert(1)</script><p onclick="x()">ok</p>'),
    )  # fmt: skip
