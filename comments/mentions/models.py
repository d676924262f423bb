"""The work around received and sent pings; the mentions themselves are Comments.

Received pingbacks, trackbacks and webmentions are stored as comments.Comment rows of their
kind, moderated like comments; these rows track verifying them and pinging other sites.
"""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comments.models import Comment


class OutgoingPing(models.Model):
    """A notification this blog sends to a page one of its posts links to; sent once per pair."""

    class Protocol(models.TextChoices):
        WEBMENTION = "webmention", _("Webmention")
        PINGBACK = "pingback", _("Pingback")

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        RETRYING = "retrying", _("Failed for now, will try again")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NO_ENDPOINT = "no_endpoint", _("The page takes no pings")

    post = models.ForeignKey(
        "blog.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="outgoing_pings"
    )
    target = models.URLField(_("linked page"), max_length=1000)
    protocol = models.CharField(_("protocol"), max_length=20, choices=Protocol.choices, blank=True)
    endpoint = models.URLField(_("endpoint"), max_length=1000, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.QUEUED
    )
    code = models.IntegerField(
        _("status or fault"), null=True, blank=True,
        help_text=_("The endpoint’s HTTP status (webmention) or fault code (pingback)."),
    )  # fmt: skip
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        db_table = "comments_outgoingping"  # kept from before the feature had its own app
        ordering = ["-created_at", "pk"]
        verbose_name = _("outgoing ping")
        verbose_name_plural = _("outgoing pings")
        constraints = [
            models.UniqueConstraint(fields=["post", "target"], name="outgoing_ping_once_per_pair")
        ]
        indexes = [models.Index(fields=["outcome"], name="outgoing_ping_outcome")]

    def __str__(self):
        return f"{self.post_id} → {self.target}"


class MentionRequest(models.Model):
    """A received webmention, pingback or trackback waiting for (or done with) verification by
    a task.

    A webmention's sender reads the outcome on its status page; a pingback's sender gets it in
    the XML-RPC answer, which waits for the task (comments.mentions.pingback_await).
    """

    class Protocol(models.TextChoices):
        WEBMENTION = "webmention", _("Webmention")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("TrackBack")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be verified")
        ACCEPTED = "accepted", _("Verified and stored")
        DELETED = "deleted", _("Removed: the source no longer links here")
        REJECTED = "rejected", _("Rejected")

    protocol = models.CharField(
        _("protocol"), max_length=20, choices=Protocol.choices, default=Protocol.WEBMENTION
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.URLField(_("source"), max_length=1000)
    target = models.URLField(_("target"), max_length=1000)
    post = models.ForeignKey(
        "blog.Post", verbose_name=_("post"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    ip_address = models.GenericIPAddressField(_("sender address"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    fault = models.SmallIntegerField(
        _("fault code"), null=True, blank=True, help_text=_("The Pingback fault code answered.")
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "comments_mentionrequest"  # kept from before the feature had its own app
        ordering = ["-created_at"]
        verbose_name = _("received mention")
        verbose_name_plural = _("received pingbacks, trackbacks and webmentions")
        indexes = [
            models.Index(fields=["source", "target", "status"], name="webmention_request_pair"),
            models.Index(fields=["created_at"], name="webmention_request_created"),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"

    def get_absolute_url(self):
        return reverse("mentions:webmention-status", kwargs={"token": self.token})


class MastodonStatus(models.Model):
    """A recent public post of a Mastodon account in the blog's Follow box, as last fetched
    (comments.mentions.mastodon); its content sanitised when stored."""

    profile = models.ForeignKey(
        "blog.SocialProfile", on_delete=models.CASCADE, related_name="mastodon_statuses"
    )
    status_id = models.CharField(_("status id"), max_length=64)
    url = models.CharField(_("address"), max_length=500)
    content_html = models.TextField(_("content"))
    created_at = models.DateTimeField(_("posted"))
    fetched_at = models.DateTimeField(_("fetched"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Mastodon post")
        verbose_name_plural = _("Mastodon posts (Follow box)")
        constraints = [
            models.UniqueConstraint(fields=["profile", "status_id"], name="mastodon_status_once")
        ]
        indexes = [models.Index(fields=["profile", "-created_at"], name="mastodon_status_latest")]

    def __str__(self):
        return self.url
