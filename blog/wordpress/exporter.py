"""Writing the blog out as a WordPress export (WXR 1.2) that WordPress can import.

The other way from blog.wordpress: posts with their comments, pages with their parents and
menu order, categories, tags and authors.
"""

from datetime import UTC as UTC_ZONE

import django_comments
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag

from blog.models import AuthorProfile, Category, Page, Post
from blog.wordpress import blocks
from blog.wordpress.importer import COMMENT_STATUS, STATUSES
from blog.wordpress.wpids import WordPressIds
from blog.xmltext import XmlSafeWriter

WXR_NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)
EXPORT_STATUS = {value: key for key, value in STATUSES.items()}
EXPORT_COMMENT_STATUS = {value: key for key, value in COMMENT_STATUS.items()}


def cdata(text):
    """A CDATA section that survives a "]]>" inside the text."""
    return "<![CDATA[" + str(text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def gmt(value):
    return timezone.localtime(value, UTC_ZONE).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def wordpress_export(*, out, site_url, title):
    """Write the whole blog as WXR 1.2 to the text stream out, post by post.

    Every piece goes through XmlSafeWriter: text with characters XML 1.0 forbids (a comment
    pasted from a PDF) would otherwise make a file that no XML reader, ours included, accepts.
    """
    out = XmlSafeWriter(out)
    out.write(f'<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" {WXR_NAMESPACES}>\n')
    out.write(f"<channel>\n<title>{escape(title)}</title>\n<link>{escape(site_url)}</link>\n")
    out.write(f"<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>{escape(site_url)}")
    out.write(f"</wp:base_site_url>\n<wp:base_blog_url>{escape(site_url)}</wp:base_blog_url>\n")
    ids = WordPressIds()
    writers = Q(posts__isnull=False) | Q(pages__isnull=False)
    for user in get_user_model().objects.filter(writers).distinct().order_by("pk"):
        export_author(out, user, ids)
    for category in Category.objects.select_related("parent").order_by("path"):
        export_category(out, category, ids)
    for tag in Tag.objects.order_by("pk"):  # those no post uses too, as WordPress exports them
        out.write(f"<wp:tag><wp:term_id>{ids('tag', tag.pk)}</wp:term_id><wp:tag_slug>")
        out.write(f"{cdata(tag.slug)}</wp:tag_slug><wp:tag_name>{cdata(tag.name)}")
        out.write("</wp:tag_name></wp:tag>\n")
    posts = Post.objects.select_related("author").prefetch_related("categories", "tags")
    for post in posts.order_by("pk").iterator(chunk_size=500):
        export_post(out, post, site_url, ids)
    for page in Page.objects.select_related("author").order_by("path"):
        export_page(out, page, site_url, ids)
    out.write("</channel>\n</rss>\n")


def export_author(out, user, ids):
    profile = AuthorProfile.objects.filter(user=user).first()
    name = profile.name if profile else user.get_username()
    out.write(f"<wp:author><wp:author_id>{ids('author', user.pk)}</wp:author_id><wp:author_login>")
    out.write(f"{cdata(user.get_username())}</wp:author_login><wp:author_email>")
    out.write(f"{cdata(user.email)}</wp:author_email><wp:author_display_name>{cdata(name)}")
    out.write(f"</wp:author_display_name><wp:author_first_name>{cdata(user.first_name)}")
    out.write(f"</wp:author_first_name><wp:author_last_name>{cdata(user.last_name)}")
    out.write("</wp:author_last_name></wp:author>\n")


def export_category(out, category, ids):
    parent = category.parent.slug if category.parent else ""
    out.write(f"<wp:category><wp:term_id>{ids('category', category.pk)}</wp:term_id>")
    out.write("<wp:category_nicename>")
    out.write(f"{cdata(category.slug)}</wp:category_nicename><wp:category_parent>{cdata(parent)}")
    out.write(f"</wp:category_parent><wp:cat_name>{cdata(category.name)}</wp:cat_name>")
    out.write(f"<wp:category_description>{cdata(category.description)}")
    out.write("</wp:category_description></wp:category>\n")


def export_item_start(out, obj, site_url, wp_id):
    """What posts and pages share: <item> up to the dates."""
    out.write(f"<item>\n<title>{escape(obj.title)}</title>\n")
    out.write(f"<link>{escape(site_url + obj.get_absolute_url())}</link>\n")
    out.write(f"<dc:creator>{cdata(obj.author.get_username())}</dc:creator>\n")
    out.write(f"<content:encoded>{cdata(blocks.serialize(obj.body))}</content:encoded>\n")
    out.write(f"<excerpt:encoded>{cdata(obj.excerpt)}</excerpt:encoded>\n")
    out.write(f"<wp:post_id>{wp_id}</wp:post_id>\n")
    out.write(f"<wp:post_date>{cdata(local(obj.published_at))}</wp:post_date>\n")
    out.write(f"<wp:post_date_gmt>{cdata(gmt(obj.published_at))}</wp:post_date_gmt>\n")


def export_post(out, post, site_url, ids):
    export_item_start(out, post, site_url, ids("post", post.pk))
    out.write(f"<wp:comment_status>{'open' if post.comments_open else 'closed'}")
    out.write(f"</wp:comment_status>\n<wp:ping_status>{'open' if post.pings_open else 'closed'}")
    out.write(f"</wp:ping_status>\n<wp:post_name>{cdata(post.slug)}</wp:post_name>\n")
    out.write(f"<wp:status>{EXPORT_STATUS.get(post.status, 'draft')}</wp:status>\n")
    out.write("<wp:post_parent>0</wp:post_parent>\n<wp:post_type>post</wp:post_type>\n")
    out.write(f"<wp:is_sticky>{int(post.sticky)}</wp:is_sticky>\n")
    if post.format != Post.Format.STANDARD:
        out.write(f'<category domain="post_format" nicename="post-format-{post.format}">')
        out.write(f"{cdata(post.get_format_display())}</category>\n")
    for category in post.categories.all():
        out.write(f'<category domain="category" nicename="{escape(category.slug)}">')
        out.write(f"{cdata(category.name)}</category>\n")
    for tag in post.tags.all():
        out.write(f'<category domain="post_tag" nicename="{escape(tag.slug)}">')
        out.write(f"{cdata(tag.name)}</category>\n")
    for comment in post_comments(post):
        export_comment(out, comment, ids)
    out.write("</item>\n")


def export_page(out, page, site_url, ids):
    status = {Page.Status.DRAFT: "draft", Page.Status.PRIVATE: "private"}.get(page.status)
    status = status or ("future" if page.published_at > timezone.now() else "publish")
    parent = ids("page", page.parent_id) if page.parent_id else 0
    export_item_start(out, page, site_url, ids("page", page.pk))
    out.write("<wp:comment_status>closed</wp:comment_status>\n")
    out.write("<wp:ping_status>closed</wp:ping_status>\n")
    out.write(f"<wp:post_name>{cdata(page.slug)}</wp:post_name>\n<wp:status>{status}</wp:status>\n")
    out.write(f"<wp:post_parent>{parent}</wp:post_parent>\n")
    out.write(f"<wp:menu_order>{page.menu_order}</wp:menu_order>\n")
    out.write("<wp:post_type>page</wp:post_type>\n<wp:is_sticky>0</wp:is_sticky>\n</item>\n")


def post_comments(post):
    Comment = django_comments.get_model()
    ctype = ContentType.objects.get_for_model(Post)
    return Comment.objects.filter(content_type=ctype, object_pk=str(post.pk)).order_by("pk")


def export_comment(out, comment, ids):
    parent = ids("comment", comment.parent_id) if comment.parent_id != comment.pk else 0
    kind = getattr(comment, "kind", "comment")
    status = EXPORT_COMMENT_STATUS.get(getattr(comment, "status", "approved"), "0")
    out.write(f"<wp:comment><wp:comment_id>{ids('comment', comment.pk)}</wp:comment_id>")
    out.write(f"<wp:comment_author>{cdata(comment.user_name)}</wp:comment_author>")
    out.write(f"<wp:comment_author_email>{cdata(comment.user_email)}</wp:comment_author_email>")
    url = getattr(comment, "source_url", "") or comment.user_url
    out.write(f"<wp:comment_author_url>{cdata(url)}</wp:comment_author_url>")
    out.write(f"<wp:comment_author_IP>{cdata(comment.ip_address or '')}</wp:comment_author_IP>")
    out.write(f"<wp:comment_date>{cdata(local(comment.submit_date))}</wp:comment_date>")
    out.write(f"<wp:comment_date_gmt>{cdata(gmt(comment.submit_date))}</wp:comment_date_gmt>")
    # Plain text here, HTML on WordPress: escaped, so "<" and "&amp;" read as typed there.
    out.write(f"<wp:comment_content>{cdata(escape(comment.comment))}</wp:comment_content>")
    out.write(f"<wp:comment_approved>{cdata(status)}</wp:comment_approved>")
    out.write(f"<wp:comment_type>{cdata('' if kind == 'comment' else kind)}</wp:comment_type>")
    out.write(f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n")


# --- the admin's import, run by the worker --------------------------------------------------
