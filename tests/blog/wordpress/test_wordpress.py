import io

import django_comments
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image as PILImage

from blog.followers import wpcom
from blog.followers.models import Follower
from blog.media.models import Image
from blog.models import Category, LegacyLink, Page, Post
from blog.wordpress import exporter as wordpress_export
from blog.wordpress import services as wordpress_services
from blog.wordpress import wxr
from tests.blog.wordpress import wxr_samples as samples

pytestmark = pytest.mark.django_db


def run_import(data=None, **kwargs):
    return wordpress_services.wordpress_import(
        source=io.BytesIO(data or samples.full_export()), **kwargs
    )


@pytest.fixture
def media_dir(tmp_path):
    PILImage.new("RGB", (300, 200), "navy").save(tmp_path / "kerry.jpg", "JPEG")
    return tmp_path


def comments_of(post):
    return django_comments.get_model().objects.for_post(post)


def test_import_brings_posts_with_their_statuses():
    run_import()
    statuses = dict(Post.objects.values_list("title", "status"))
    assert statuses["Why Iran Was Not Invited to the Anti ISIS Club"] == "published"
    assert statuses["Brouillon"] == "draft"
    assert statuses["Coming soon"] == "scheduled"
    assert statuses["Members only"] == "private"


def test_import_keeps_the_category_tree_and_tags():
    run_import()
    talks = Category.objects.get(slug="talks")
    assert talks.path == "iran/nuclear/talks"
    assert Category.objects.get(slug="iran").description == "All about Iran"
    post = Post.objects.get(slug="why-iran")
    assert {c.name for c in post.categories.all()} == {"Iranian Nuclear Crisis", "nuclear talks"}
    assert {t.name for t in post.tags.all()} == {"ISIS", "John Kerry"}
    assert post.sticky


def test_import_makes_authors_inactive_with_their_display_name():
    run_import()
    user = get_user_model().objects.get(username="desk")
    assert not user.is_active and not user.has_usable_password()
    assert user.profile.display_name == "News & Desk"
    assert Post.objects.get(slug="why-iran").author == user


def test_import_matches_an_existing_user_by_email():
    existing = get_user_model().objects.create_user("editor", "DESK@oldblog.example", "pw")
    run_import()
    assert Post.objects.get(slug="why-iran").author == existing


def test_import_turns_captions_into_figures_and_sanitises():
    run_import()
    body = Post.objects.get(slug="why-iran").body
    assert "<p>First paragraph.</p>" in body
    assert "<figcaption>John kerry in Cairo- Zee Media Bureau</figcaption>" in body
    hostile = Post.objects.get(slug="hostile").body
    assert "<script" not in hostile and "onclick" not in hostile and ">ok</p>" in hostile


def test_import_decodes_unicode_slugs_and_keeps_long_titles():
    run_import()
    assert Post.objects.get(slug="ایران").title == "ایران و آمریکا"
    assert Post.objects.get(slug="long").title.startswith("A" * 290)


def test_import_threads_comments_five_deep():
    run_import()
    comments = {c.comment: c for c in comments_of(Post.objects.get(slug="why-iran"))}
    deepest = comments["Comment number 105"]
    assert deepest.level == 5
    parent = comments["Comment number 104"]
    assert deepest.parent_id == parent.pk


def test_import_keeps_pingbacks_trackbacks_and_moderation_states():
    run_import()
    by_text = {c.comment: c for c in comments_of(Post.objects.get(slug="why-iran"))}
    assert by_text["Comment number 200"].kind == "pingback"
    assert by_text["Comment number 200"].source_url == "http://other.example/a"
    assert by_text["Comment number 201"].kind == "trackback"
    assert by_text["Buy pills"].status == "spam"
    assert by_text["Held for moderation"].status == "pending"


def test_import_sends_no_mail_for_history(mailoutbox, django_capture_on_commit_callbacks, run_jobs):
    with django_capture_on_commit_callbacks(execute=True):
        run_import()
    run_jobs()
    assert mailoutbox == []


def test_import_twice_updates_instead_of_duplicating():
    first = run_import()
    counts = (Post.objects.count(), Category.objects.count(), comments_of_all())
    second = run_import()
    assert (Post.objects.count(), Category.objects.count(), comments_of_all()) == counts
    assert first.counts["posts"]["created"] == 7
    assert second.counts["posts"]["updated"] == 7 and second.counts["posts"]["created"] == 0


def comments_of_all():
    return django_comments.get_model().objects.count()


def test_import_of_a_truncated_file_imports_nothing_and_names_the_line():
    data = samples.full_export()
    with pytest.raises(wxr.WxrError, match=r"line \d+"):
        run_import(data[: len(data) * 2 // 3])
    assert Post.objects.count() == 0 and Category.objects.count() == 0


def test_import_refuses_an_external_entity():
    evil = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&x;</title></item></channel></rss>"""
    with pytest.raises(wxr.WxrError):
        run_import(evil)
    assert Post.objects.count() == 0


def test_import_dry_run_keeps_nothing_but_reports():
    report = run_import(dry_run=True)
    assert report.counts["posts"]["created"] == 7
    assert Post.objects.count() == 0


def test_import_puts_found_images_in_the_media_library(media_dir):
    report = run_import(media_dir=media_dir)
    image = Image.objects.get()
    assert image.caption == "John kerry in Cairo- Zee Media Bureau"
    assert image.alt_text == "John Kerry"
    assert report.counts["images"]["created"] == 1


def test_import_reports_missing_image_files(tmp_path):
    report = run_import(media_dir=tmp_path)
    assert Image.objects.count() == 0
    assert any("kerry.jpg not found" in problem for problem in report.problems)


def page_tree():
    return {page.path: page for page in Page.objects.select_related("parent", "author")}


def test_import_brings_pages_with_their_tree_even_when_a_child_comes_first():
    run_import()
    pages = page_tree()
    assert set(pages) == {"about", "about/team", "about/guidelines", "contact"}
    assert pages["about/team"].parent == pages["about"]
    assert pages["about/team"].body == "<p>Who we are.</p>\n<p>The desk.</p>"
    assert (pages["about"].menu_order, pages["contact"].menu_order) == (2, 1)
    assert pages["about"].author.username == "desk"
    assert pages["about"].published_at.isoformat() == "2012-05-01T09:00:00+00:00"


def test_import_maps_page_statuses():
    data = samples.export(
        samples.page(1, "Live", "live"),
        samples.page(2, "Waiting", "waiting", status="pending"),
        samples.page(3, "Later", "later", status="future", date="2099-01-01 09:00:00"),
        samples.page(4, "Staff", "staff", status="private"),
        samples.page(5, "Binned", "binned", status="trash"),
    )
    report = run_import(data)
    statuses = dict(Page.objects.values_list("path", "status"))
    assert statuses == {
        "live": "published", "waiting": "draft", "later": "published", "staff": "private",
    }  # fmt: skip
    assert not Page.objects.get(path="later").is_public  # hidden until 2099
    assert report.counts["pages"]["skipped"] == 1


def test_import_shows_imported_pages_in_the_header_menu_in_their_order(client):
    run_import()
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    assert nav.index('href="/contact/"') < nav.index('href="/about/"')
    assert "/about/team/" not in nav and "Guidelines" not in nav


def test_import_twice_updates_pages_instead_of_duplicating():
    first = run_import()
    about = Page.objects.get(path="about")
    about.body = "<p>Changed here.</p>"
    about.save()
    second = run_import()
    assert first.counts["pages"] == {"created": 4}
    assert second.counts["pages"] == {"updated": 4}
    assert Page.objects.count() == 4
    about.refresh_from_db()
    assert about.body == "<p>A blog on Iran.</p>\n<p>Since 2012.</p>"


def test_import_takes_over_a_page_made_here_at_the_same_address():
    made_here = Page.objects.create(
        title="About us", slug="about", author=get_user_model().objects.create(username="me")
    )
    report = run_import()
    made_here.refresh_from_db()
    assert made_here.title == "About" and Page.objects.filter(path__startswith="about").count() == 3
    assert report.counts["pages"] == {"created": 3, "updated": 1}


def test_import_reports_comments_on_pages_as_skipped():
    report = run_import()
    assert report.counts["comments"]["skipped"] == 1
    assert any("About" in p and "1 comment(s) not imported" in p for p in report.problems)


def test_import_moves_a_page_off_the_blogs_own_addresses():
    report = run_import(samples.export(samples.page(1, "Search tips", "search")))
    page = Page.objects.get()
    assert page.path == "search-page"
    assert any("/search/ is one of this blog’s own addresses" in p for p in report.problems)


def test_import_files_a_page_whose_parent_is_missing_at_the_top_level():
    report = run_import(samples.export(samples.page(2, "Orphan", "gone/orphan", parent=99)))
    assert Page.objects.get().path == "orphan"
    assert any("parent page (ID 99)" in problem for problem in report.problems)


def test_import_dry_run_keeps_no_pages():
    report = run_import(dry_run=True)
    assert report.counts["pages"]["created"] == 4
    assert not Page.objects.exists() and not LegacyLink.objects.filter(kind="page").exists()


def test_old_page_links_redirect_permanently(client):
    run_import()
    assert client.get("/?page_id=8")["Location"] == "/about/"
    assert client.get("/?page_id=11")["Location"] == "/about/team/"
    assert client.get("/?p=12")["Location"] == "/contact/"  # WordPress answers ?p= for pages too
    assert client.get("/?page_id=8").status_code == 301
    team = client.get("/about/team/")  # the old permalink is the page's address
    assert team.status_code == 200 and "Who we are." in team.content.decode()


def test_old_link_to_a_draft_page_does_not_reveal_it(client):
    run_import()
    response = client.get("/?page_id=13")
    assert response.status_code == 404 and "Guidelines" not in response.content.decode()


@pytest.mark.parametrize(
    "ns", ["http://wordpress.org/export/1.0/", "https://wordpress.org/export/1.1/"]
)
def test_import_reads_older_wxr_versions(ns):
    run_import(samples.export(samples.item(1, "Old format", slug="old"), ns=ns))
    assert Post.objects.get(slug="old").title == "Old format"


def test_old_links_redirect_permanently(client):
    run_import()
    post = Post.objects.get(slug="why-iran")
    for old in ["/?p=1", "/news/why-iran.html", "/category/iran/nuclear/page/2/"]:
        response = client.get(old)
        assert response.status_code == 301, old
    assert client.get("/?p=1")["Location"] == post.get_absolute_url()
    assert client.get("/?cat=11")["Location"] == "/category/iran/nuclear/"
    assert client.get("/?author=1")["Location"] == "/author/desk/"
    assert (
        client.get("/category/iran/nuclear/page/2/")["Location"] == "/category/iran/nuclear/?page=2"
    )


def test_old_link_to_a_draft_does_not_reveal_it(client):
    run_import()
    assert client.get("/?p=2").status_code == 404  # as WordPress, not the home page


def test_import_command_prints_a_summary(capsys, tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(samples.full_export())
    call_command("import_wordpress", str(path))
    out = capsys.readouterr().out
    assert "posts" in out and "created" in out
    pages_row = next(line for line in out.splitlines() if line.startswith("pages"))
    assert pages_row.split() == ["pages", "4", "0", "0"]


def pages_as_imported():
    return sorted(Page.objects.values_list("path", "title", "status", "menu_order"))


def test_export_then_import_into_an_empty_blog_reproduces_the_counts(tmp_path):
    run_import()
    counts = (Post.objects.count(), Category.objects.count(), comments_of_all())
    pages = pages_as_imported()
    out = io.StringIO()
    wordpress_export.wordpress_export(out=out, site_url="http://new.example", title="New")
    exported = out.getvalue().encode()
    django_comments.get_model().objects.all().delete()
    Post.objects.all().delete()
    for model in (Category, Page):
        for row in model.objects.order_by("-path"):
            row.delete()
    LegacyLink.objects.all().delete()
    run_import(exported)
    assert (Post.objects.count(), Category.objects.count(), comments_of_all()) == counts
    assert pages_as_imported() == pages and len(pages) == 4


def test_export_writes_pages_as_wordpress_pages_with_parent_and_order():
    run_import()
    out = io.StringIO()
    wordpress_export.wordpress_export(out=out, site_url="http://new.example", title="New")
    items = [
        obj for obj in wxr.read(io.BytesIO(out.getvalue().encode())) if isinstance(obj, wxr.Item)
    ]
    pages = {item.slug: item for item in items if item.post_type == "page"}
    post_ids = {item.wp_id for item in items if item.post_type == "post"}
    assert set(pages) == {"about", "team", "guidelines", "contact"}
    assert pages["team"].parent_id == pages["about"].wp_id
    assert (pages["about"].menu_order, pages["guidelines"].status) == (2, "draft")
    assert not post_ids & {item.wp_id for item in pages.values()}  # one ID space, as in WordPress
    assert pages["team"].link == "http://new.example/about/team/"


def test_followers_csv_import_keeps_dates_and_confirmation_choice(mailoutbox):
    text = "email,date_subscribed\nann@example.com,2014-01-02 10:00:00\nnot-an-email,\nBOB@example.com,\n"
    result = wpcom.followers_import_csv(text=text, confirmed=True)
    assert len(result.added) == 2 and result.invalid == ["not-an-email"]
    ann = Follower.objects.get(email="ann@example.com")
    assert ann.status == "active" and ann.subscribed_at.year == 2014
    wpcom.followers_import_csv(text="email\ncarl@example.com\n", confirmed=False)
    assert Follower.objects.get(email="carl@example.com").status == "pending"


def test_import_followers_command(tmp_path, capsys):
    path = tmp_path / "followers.csv"
    path.write_text("email,date_subscribed\nann@example.com,2014-01-02\n")
    call_command("import_followers", str(path))
    assert "1 added" in capsys.readouterr().out
    assert Follower.objects.get().status == "active"


@pytest.mark.django_db(transaction=True)
def test_admin_import_runs_in_the_worker_and_reports(
    admin_client, run_jobs, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from blog.wordpress.models import ImportRun

    upload = SimpleUploadedFile("export.xml", samples.full_export(), "text/xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/wordpress/importrun/add/", {"file": upload})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == "queued"
    run_jobs()
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 1.0
    assert "posts" in run.report and Post.objects.count() == 7
    page = admin_client.get(f"/admin/wordpress/importrun/{run.pk}/change/").content.decode()
    assert "<progress" in page and "created" in page


@pytest.mark.django_db(transaction=True)
def test_admin_import_of_a_broken_file_fails_cleanly(
    admin_client, run_jobs, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from blog.wordpress.models import ImportRun

    upload = SimpleUploadedFile("export.xml", samples.full_export()[:3000], "text/xml")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/admin/wordpress/importrun/add/", {"file": upload})
    run_jobs()
    run = ImportRun.objects.get()
    assert run.status == "failed" and "line" in run.report
    assert Post.objects.count() == 0


def test_password_protected_posts_and_pages_stay_out_of_sight(client):
    data = samples.export(
        samples.item(1, "Sources only", slug="sources-only", password="s3cret"),
        samples.item(2, "Open post", slug="open-post"),
        samples.page(3, "Staff handbook", "handbook", password="s3cret"),
        samples.item(4, "Draft with password", status="draft", password="x"),
    )
    report = run_import(data)

    statuses = dict(Post.objects.values_list("title", "status"))
    assert statuses == {
        "Sources only": "private", "Open post": "published", "Draft with password": "draft",
    }  # fmt: skip
    assert Page.objects.get(path="handbook").status == "private"
    assert client.get(Post.objects.get(slug="sources-only").get_absolute_url()).status_code == 404
    assert client.get("/handbook/").status_code == 404
    problems = "\n".join(report.problems)
    assert "“Sources only” (ID 1) was password-protected" in problems
    assert "“Staff handbook” (ID 3) was password-protected" in problems
    assert "Draft with password" not in problems


def test_webmentions_stored_by_the_wordpress_plugin_stay_webmentions_and_odd_types_are_comments():
    data = samples.export(
        samples.item(1, "Mentioned", slug="mentioned", comments=[
            samples.comment(10, kind="webmention", author="A reply", url="https://r.example/1"),
            samples.comment(11, kind="note", author="Plugin note"),
        ]),
    )  # fmt: skip
    run_import(data)
    kinds = {c.user_name: c.kind for c in comments_of(Post.objects.get(slug="mentioned"))}
    assert kinds == {"A reply": "webmention", "Plugin note": "comment"}
