"""Upgrading to the ordered social profiles (issue 18): the networks filled in the old
one-field-per-network settings become profiles, in the order the widget showed them."""

import pytest

BEFORE = ("blog", "0011_failed_logins")
AFTER = ("blog", "0012_social_profiles")


@pytest.mark.django_db
def test_old_social_fields_become_profiles_in_the_old_order(migrator):
    old = migrator.apply_tested_migration([BEFORE])  # backwards from the head: blog alone
    old.apps.get_model("blog", "SiteSettings").objects.update_or_create(
        pk=1,
        defaults={
            "youtube_url": "https://youtube.com/@newsroom",
            "facebook_url": "https://facebook.com/newsroom",
            "mastodon_url": "https://mastodon.social/@newsroom",
            "show_rss_link": True,
        },
    )
    new = migrator.apply_tested_migration([AFTER])
    profiles = new.apps.get_model("blog", "SocialProfile").objects.order_by("position")
    assert [(profile.kind, profile.url) for profile in profiles] == [
        ("facebook", "https://facebook.com/newsroom"),
        ("mastodon", "https://mastodon.social/@newsroom"),
        ("youtube", "https://youtube.com/@newsroom"),
        ("rss", ""),
    ]


@pytest.mark.django_db
def test_a_sidebar_with_follow_us_gets_the_follow_box_after_it(migrator):
    old = migrator.apply_tested_migration([AFTER])
    old.apps.get_model("blog", "SiteSettings").objects.update_or_create(
        pk=1, defaults={"sidebar_widgets": "search, follow-us, recent"}
    )
    new = migrator.apply_tested_migration([("blog", "0013_follow_box")])
    site = new.apps.get_model("blog", "SiteSettings").objects.get(pk=1)
    assert site.sidebar_widgets == "search, follow-us, follow-account, recent"
