from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from blog.models import Category, Page, Post, SiteSettings

pytestmark = pytest.mark.django_db

TITLE = "Why Iran Was Not Invited to the Anti ISIS Club"
CAPTION = "John kerry in Cairo- Zee Media Bureau"
BIO = "Blogging &amp; updating on #Iran related news- focusing on Politics, Human Rights &amp;"


def seed():
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def seeded():
    seed()
    return Post.objects.get(title=TITLE)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in [Post, Category, Tag, get_user_model(), Post.categories.through, Page]
    } | {"tagged": Post.tags.through.objects.count()}


def test_seed_makes_the_reference_post_live(seeded):
    assert seeded.is_public
    assert seeded.slug == "why-iran-was-not-invited-to-the-anti-isis-club"


def test_seed_reference_post_has_its_five_categories(seeded):
    assert sorted(c.name for c in seeded.categories.all()) == [
        "IRGC", "Iranian Foreign Relations", "Iranian Nuclear Crisis", "Military", "nuclear talks",
    ]  # fmt: skip


def test_seed_reference_post_has_its_eighteen_tags(seeded):
    names = {tag.name for tag in seeded.tags.all()}
    assert len(names) == 18
    assert {"ISIS", "John Kerry", "Hezbollah", "Quds Force"} <= names


def test_seed_reference_post_page_shows_text_figure_caption_and_author_box(client, seeded):
    page = client.get(seeded.get_absolute_url()).content.decode()
    assert "wasn’t invited to join the anti-ISIS club" in page
    assert f"<figcaption>{CAPTION}</figcaption>" in page
    assert BIO in page


def test_seed_reference_image_is_served(client, seeded):
    src = seeded.body.split('<img src="')[1].split('"')[0]
    response = client.get(src)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG


def test_seed_makes_about_thirty_more_posts_over_two_years():
    seed()
    public = Post.objects.published()
    oldest = public.earliest().published_at
    assert 28 <= Post.objects.count() - 1 <= 40
    assert timezone.now() - oldest > timedelta(days=600)


def test_seed_files_posts_in_nested_categories():
    seed()
    three_levels_down = r"^[^/]+/[^/]+/[^/]+$"
    assert Post.objects.filter(categories__path__regex=three_levels_down).exists()


def test_seed_makes_some_drafts():
    seed()
    assert Post.objects.filter(status=Post.Status.DRAFT).count() >= 2


def test_seed_schedules_one_post_for_about_a_week_ahead():
    seed()
    (scheduled,) = Post.objects.filter(published_at__gt=timezone.now())
    assert scheduled.status == Post.Status.SCHEDULED
    assert timedelta(days=6) < scheduled.published_at - timezone.now() < timedelta(days=8)


def test_seed_names_the_site(client):
    seed()
    assert SiteSettings.load().title == "Iran News Watch"
    assert "Iran News Watch" in client.get("/").content.decode()


def test_seed_adds_an_about_page_to_the_header_menu(client):
    seed()
    home = client.get("/").content.decode()
    assert '<a href="/about/">About</a>' in home
    about = client.get("/about/").content.decode()
    assert "a blog about Iran related news" in about


def test_seed_twice_changes_no_counts():
    seed()
    before = counts()
    seed()
    assert counts() == before


def test_seed_does_not_announce_old_posts_as_news(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    unannounced = Post.objects.published().filter(announced_at__isnull=True)
    assert not unannounced.exists()


def test_seed_if_empty_fills_an_empty_blog_and_leaves_a_real_one_alone():
    """./run calls it on every start: it must never add demo posts to a blog in use."""
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert Post.objects.filter(title=TITLE).exists()
    before = counts()

    Post.objects.exclude(title=TITLE).delete()
    kept = counts()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert counts() == kept != before
    assert "no demo content added" in out.getvalue()


@pytest.mark.parametrize("hour", [0, 4, 8, 9, 23])
def test_seed_spans_two_years_whatever_the_hour(monkeypatch, hour):
    """The demo dates hang off 9:00; run at 4:00 they once put the oldest post 4 hours short."""
    from blog.management.commands import seed_demo

    fake_now = timezone.localtime().replace(hour=hour, minute=30) - timedelta(days=1)
    real = timezone.localtime

    def localtime(value=None, timezone=None):
        return fake_now if value is None else real(value, timezone)

    monkeypatch.setattr(seed_demo.timezone, "localtime", localtime)
    seed()
    dates = Post.objects.exclude(status=Post.Status.SCHEDULED).values_list(
        "published_at", flat=True
    )
    assert max(dates) <= fake_now
    assert fake_now - min(dates) > timedelta(days=600)
