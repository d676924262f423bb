from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment, XtdCommentManager

from blog import jobs
from blog.models import SingletonModel
from comments import threads


class CommentQuerySet(models.QuerySet):
    def for_post(self, post):
        ctype = ContentType.objects.get_for_model(post)
        return self.filter(content_type=ctype, object_pk=str(post.pk), site_id=settings.SITE_ID)

    def public(self):
        """Approved comments, whether or not a reader can reach them (see shown())."""
        return self.filter(status=Comment.Status.APPROVED)

    def shown(self):
        """What readers see anywhere (post page, feeds, permalinks, replies): approved comments
        none of whose ancestors is held, spam or trash.

        WordPress leaves a trashed or spammed comment's replies as they are, so that restoring
        it brings its thread back; until then they are hidden with it, everywhere at once.
        """
        return self.public().exclude(Exists(_hidden_ancestors()))

    def public_for(self, post):
        """The comments a reader of the post may see."""
        return self.for_post(post).shown()

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def delete(self):
        """Delete the comments but not their replies: each moves up to the deleted comment's
        parent, or starts a thread if that was at the top, as WordPress's wp_delete_comment()
        does (comments.threads.replies_reattach)."""
        with transaction.atomic(using=self.db):
            threads.replies_reattach(Comment, self.values_list("pk", flat=True))
            return super().delete()


class CommentManager(XtdCommentManager.from_queryset(CommentQuerySet)):
    pass


def _hidden_ancestors():
    """The comments above OuterRef's comment in its thread that are not approved.

    In xtd's pre-order numbering (comments.threads), a comment's ancestor at level L is the
    last comment of level L before it: none of level L or less comes between them.
    """
    between = Comment.norel_objects.filter(
        thread_id=OuterRef(OuterRef("thread_id")),
        level__lte=OuterRef("level"),
        order__gt=OuterRef("order"),
        order__lt=OuterRef(OuterRef("order")),
    )
    above = Comment.norel_objects.filter(
        thread_id=OuterRef("thread_id"), level__lt=OuterRef("level"), order__lt=OuterRef("order")
    )
    return above.exclude(status=Comment.Status.APPROVED).exclude(Exists(between))


class Comment(XtdComment):
    """A reader's comment, or a pingback/trackback/webmention, on a post (django-comments-xtd)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")
        WEBMENTION = "webmention", _("Webmention")

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Pending")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    # Named explicitly: the default reverse name, "comment", is taken by the text field.
    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="newsroom_comment",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_title = models.CharField(_("source title"), max_length=300, blank=True)
    # The one truth about moderation; save() keeps django-comments' is_public/is_removed in step.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPROVED
    )
    status_before_removal = models.CharField(
        max_length=20, choices=Status.choices, blank=True, editable=False
    )
    moderation_note = models.CharField(
        _("moderation note"),
        max_length=300,
        blank=True,
        help_text=_("Why the comment was held or marked as spam."),
    )

    objects = CommentManager()

    class Meta:
        ordering = ["thread_id", "order"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="comment", source_url="")
                | (Q(kind__in=["pingback", "trackback", "webmention"]) & ~Q(source_url="")),
                name="comment_source_only_for_mentions",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["approved", "pending", "spam", "trash"]),
                name="comment_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="comment_status_kind")]

    def __str__(self):
        return f"{self.user_name}: {Truncator(self.comment).chars(50)}"

    def save(self, *args, **kwargs):
        is_new = self.pk is None
        self.is_public = self.status == self.Status.APPROVED
        self.is_removed = self.status in (self.Status.SPAM, self.Status.TRASH)
        super().save(*args, **kwargs)
        if is_new:
            self.notify_if_waiting()

    def notify_if_waiting(self):
        """A new comment that waits for moderation: have the worker tell the moderators."""
        if getattr(self, "import_quietly", False):
            return  # history brought in by the WordPress importer: nobody needs telling
        if self.status == self.Status.PENDING:
            task = jobs.task("comments.tasks.notify_moderators")
            transaction.on_commit(lambda: task.defer(comment_id=self.pk))

    def delete(self, *args, **kwargs):
        """Delete the comment; its replies move up to its parent (CommentQuerySet.delete)."""
        with transaction.atomic():
            threads.replies_reattach(Comment, [self.pk])
            return super().delete(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_mention(self):
        return self.kind != self.Kind.COMMENT


class DiscussionSettings(SingletonModel):
    """The one row of discussion settings an editor changes in the admin (WordPress-like)."""

    class Approval(models.TextChoices):
        NONE = "none", _("Publish comments at once")
        FIRST_TIME = "first_time", _("Hold comments from people with no approved comment yet")
        ALL = "all", _("Hold every comment for approval")

    class Order(models.TextChoices):
        OLDEST = "oldest", _("Oldest first")
        NEWEST = "newest", _("Newest first")

    approval = models.CharField(
        _("approval"), max_length=20, choices=Approval.choices, default=Approval.FIRST_TIME
    )
    hold_link_count = models.PositiveSmallIntegerField(
        _("hold comments with more links than"),
        default=2,
        help_text=_("A common sign of spam is many links."),
    )
    moderation_words = models.TextField(
        _("moderation words"),
        blank=True,
        help_text=_(
            "One word, address, e-mail or IP per line. A comment that contains one in its text, "
            "name, e-mail, website or IP waits for moderation. “press” also matches “WordPress”."
        ),
    )
    blocklist = models.TextField(
        _("blocklist"),
        blank=True,
        help_text=_(
            "One word, address, e-mail or IP per line, matched like the moderation words. A "
            "match is stored as spam, never shown."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments on posts older than (days)"),
        default=0,
        help_text=_("0 keeps comments open however old the post is."),
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("nested replies, levels deep"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 turns threading off; at most 10."),
    )
    order = models.CharField(
        _("comment order"), max_length=10, choices=Order.choices, default=Order.OLDEST
    )
    threads_per_page = models.PositiveSmallIntegerField(
        _("top-level comments per page"),
        default=50,
        help_text=_("Each with its replies; 0 shows all on one page."),
    )
    notify_moderators = models.BooleanField(
        _("e-mail the post’s author and the editors when a comment waits"), default=True
    )
    # Pingbacks and webmentions (comments.mentions, comments.outgoing).
    send_pings = models.BooleanField(
        _("notify the blogs a new post links to (pingbacks and webmentions)"), default=True
    )
    self_pings = models.BooleanField(
        _("notify this blog’s own posts too"),
        default=False,
        help_text=_("Off: links to our own posts send nothing (no “self-pings”)."),
    )
    mentions_separate = models.BooleanField(
        _("list pingbacks and webmentions in their own section"),
        default=False,
        help_text=_("Off: they appear among the comments and count in “N comments on …”."),
    )

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="discussion_settings_single_row"),
            models.CheckConstraint(
                condition=Q(thread_depth__gte=1, thread_depth__lte=10),
                name="discussion_settings_depth_range",
            ),
        ]

    def __str__(self):
        return str(_("Discussion settings"))

    def moderation_word_list(self):
        return _lines(self.moderation_words)

    def blocklist_entries(self):
        return _lines(self.blocklist)


def _lines(text):
    return [line.strip().lower() for line in text.splitlines() if line.strip()]
