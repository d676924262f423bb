from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class MentionsConfig(AppConfig):
    """Pingbacks, webmentions and trackbacks: received, verified, shown; and sent on publish."""

    name = "comments.mentions"
    label = "mentions"
    verbose_name = _("Pingbacks and webmentions")

    def ready(self):
        from blog import pagecache, widgets
        from blog.signals import post_published
        from comments.mentions import mastodon, outgoing

        # Requests received and pings sent are for editors; pages show the comments they make.
        pagecache.ignore_tables("comments_mentionrequest", "comments_outgoingping")
        # Pingbacks and webmentions sent when a post goes live, and when an edit adds links.
        post_published.connect(outgoing.on_post_published, dispatch_uid="comments.pings")
        post_save.connect(outgoing.on_post_saved, sender="blog.Post", dispatch_uid="comments.pings")

        # The Follow box shows the Mastodon accounts' latest posts this app fetches: the same
        # widget, with its accounts read with their posts.
        widgets.register(
            "follow-account", widgets.WIDGETS["follow-account"].label,
            "blog/widgets/_follow_account.html", context=("accounts", mastodon.follow_accounts),
        )  # fmt: skip
        post_save.connect(
            mastodon.on_profile_saved, sender="blog.SocialProfile", dispatch_uid="mastodon"
        )
