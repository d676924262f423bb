"""Writes with side effects: posting and moderating comments, and every mail the app sends."""

import zlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_comments.signals import comment_was_posted, comment_will_be_posted
from django_comments_xtd import signals as xtd_signals
from django_comments_xtd import signed
from django_comments_xtd.models import TmpXtdComment

from blog import jobs, ratelimit
from blog.mail import blog_sender, header_text
from blog.models import SiteSettings
from blog.ratelimit import client_ip
from comments import moderation
from comments.forms import NAME_MAX_LENGTH
from comments.models import Comment, DiscussionSettings

EDITOR_GROUP = "Editor"
REMOVED = [Comment.Status.SPAM, Comment.Status.TRASH]
CONFIRM_MAX_AGE = timedelta(days=7)  # how long a guest's confirmation link works
# What django-comments-xtd and Django pass as the sender when none was chosen: the blog's own.
BLOG_SENDERS = {None, "", settings.DEFAULT_FROM_EMAIL, settings.COMMENTS_XTD_FROM_EMAIL}


def rate_limit_hit(request, *, scope: str, limit: int, window: int) -> bool:
    """Count one more attempt from this address; True once it made more than limit in window."""
    return ratelimit.hit(scope, client_ip(request), limit=limit, window=window)


def comment_form_data(request):
    """The posted fields; a signed-in reader's name and e-mail come from their account."""
    data = request.POST.copy()
    user = request.user
    if user.is_authenticated:
        data["name"] = person_name(user)  # a long profile name is no error they could fix
        data["email"] = user.email
    return data


def person_name(user) -> str:
    """The name a signed-in person comments under: their display name, cut to the column."""
    profile = getattr(user, "profile", None)
    name = (profile.name if profile else "") or user.get_full_name() or user.username
    return name[:NAME_MAX_LENGTH]


def comment_submit(*, form, request):
    """Post a valid comment the way django-comments does, with our moderation verdict on it.

    Spam is stored straight away (never mailed, never dropped); anything else goes through
    django-comments-xtd: a guest gets a confirmation link, a signed-in reader is posted now.
    Returns the comment (xtd's unsaved TmpXtdComment for a guest), or None if a receiver
    of comment_will_be_posted refused it.
    """
    comment = comment_from_form(form=form, request=request)
    responses = comment_will_be_posted.send(sender=type(comment), comment=comment, request=request)
    if any(response is False for _receiver, response in responses):
        return None
    if comment.status == Comment.Status.SPAM:
        comment.xtd_comment = comment_store(comment)
        return comment
    comment_was_posted.send(sender=type(comment), comment=comment, request=request)
    return comment


def comment_from_form(*, form, request):
    """xtd's unsaved comment with its author, the comment it answers, and where it goes."""
    comment = form.get_comment_object(site_id=settings.SITE_ID)
    comment.ip_address = client_ip(request) or None
    if request.user.is_authenticated:
        comment.user = request.user
    rules = DiscussionSettings.load()
    comment.parent_id = reply_parent_id(comment.parent_id, rules.thread_depth)
    verdict = moderation.classify(submission_from(comment, form, request.user), rules)
    comment.status, comment.moderation_note = verdict.status, verdict.reason
    comment.is_public = verdict.status == Comment.Status.APPROVED
    return comment


def submission_from(comment, form, user) -> moderation.Submission:
    post = form.target_object
    earlier = Comment.objects.public().filter(user_email__iexact=comment.user_email)
    trusted = user.is_authenticated and (
        user.pk == post.author_id or user.has_perm("comments.change_comment")
    )
    return moderation.Submission(
        name=comment.user_name,
        email=comment.user_email,
        url=comment.user_url,
        text=comment.comment,
        ip=comment.ip_address or "",
        trusted=trusted,
        previously_approved=not trusted and earlier.exists(),
        bot_signals=form.bot_signals(),
    )


def reply_parent_id(parent_id: int, depth: int) -> int:
    """The comment a reply hangs under: its parent, or the nearest ancestor the depth allows."""
    if not parent_id:
        return 0
    parent = Comment.objects.get(pk=parent_id)
    if depth <= 1:
        return 0
    if parent.level < depth - 1:
        return parent.pk
    ancestor = (
        Comment.norel_objects.filter(
            thread_id=parent.thread_id, level=depth - 2, order__lt=parent.order
        )
        .order_by("-order")
        .first()
    )
    return ancestor.pk if ancestor else 0


def comment_reply_by_staff(*, parent: Comment, user, text: str) -> Comment:
    """An editor's answer from the admin: approved at once, under their display name, threaded
    under parent (or the nearest ancestor the thread depth allows). A held parent is approved
    with it, as on WordPress; the post's followers hear of the reply."""
    if parent.status == Comment.Status.PENDING:
        comments_set_status(
            comments=Comment.objects.filter(pk=parent.pk), status=parent.Status.APPROVED
        )
    reply = Comment(
        content_type_id=parent.content_type_id,
        object_pk=parent.object_pk,
        site_id=parent.site_id,
        parent_id=reply_parent_id(parent.pk, DiscussionSettings.load().thread_depth),
        user=user,
        user_name=person_name(user),
        user_email=user.email,
        comment=text,
        status=Comment.Status.APPROVED,
        is_public=True,
        submit_date=timezone.now(),
    )
    reply.save()
    task = jobs.task("comments.tasks.notify_followers")
    transaction.on_commit(lambda: task.defer(comment_id=reply.pk))
    return reply


def comment_store(tmp_comment) -> Comment:
    """Save xtd's unsaved comment as it is (spam goes here: stored for review, never mailed)."""
    fields = {key: value for key, value in tmp_comment.items() if key != "xtd_comment"}
    comment = Comment(**fields)
    comment.save()
    return comment


def signed_comment(key: str):
    """What a link from xtd's mails carries (signed by django_comments_xtd.signed): an unsaved
    TmpXtdComment for confirmation links, a saved comment for "mute" links. None when the key
    is forged or cut short, or the post it belongs to is gone."""
    try:
        return signed.loads(str(key), extra_key=settings.COMMENTS_XTD_SALT)
    except (ValueError, TypeError, zlib.error, ObjectDoesNotExist):
        return None  # base64 and signature errors are ValueErrors


def comment_from_confirmation(key: str) -> TmpXtdComment | None:
    """The guest's unsaved comment a confirmation link carries; None when the link is bad
    (signed_comment) or older than CONFIRM_MAX_AGE."""
    comment = signed_comment(key)
    if not isinstance(comment, TmpXtdComment) or comment.content_object is None:
        return None
    if comment.submit_date < timezone.now() - CONFIRM_MAX_AGE:
        return None
    return comment


def comment_confirmed_already(tmp_comment) -> Comment | None:
    """The comment a confirmation link made before (xtd knows it by name, address, time)."""
    return Comment.objects.filter(
        user_name=tmp_comment.user_name,
        user_email=tmp_comment.user_email,
        submit_date=tmp_comment.submit_date,
    ).first()


def comment_confirm(*, tmp_comment, request) -> Comment | None:
    """Store a guest's comment whose link was confirmed (by POST: scanners only open links),
    published or held as moderation decided when it was sent; followers hear of a published
    one. None when xtd's confirmation_received receivers refuse it (comments.receivers)."""
    responses = xtd_signals.confirmation_received.send(
        sender=TmpXtdComment, comment=tmp_comment, request=request
    )
    if any(response is False for _receiver, response in responses):
        return None
    comment = comment_store(tmp_comment)
    if comment.status == Comment.Status.APPROVED:
        task = jobs.task("comments.tasks.notify_followers")
        transaction.on_commit(lambda: task.defer(comment_id=comment.pk))
    return comment


def comment_mute(*, muted) -> None:
    """Stop follow-up mails about the post to the address of muted (a signed_comment)."""
    xtd_signals.comment_thread_muted.send(sender=Comment, comment=muted, request=None)
    Comment.objects.filter(
        content_type_id=muted.content_type_id,
        object_pk=muted.object_pk,
        user_email=muted.user_email,
        followup=True,
    ).update(followup=False)


def comments_set_status(*, comments, status: str) -> int:
    """Approve, hold, spam or trash comments in bulk; followers hear of newly approved ones."""
    notify_followers = jobs.task("comments.tasks.notify_followers")
    pks = list(comments.exclude(status=status).values_list("pk", flat=True))
    removed = status in REMOVED
    if removed:  # remember what a restore goes back to
        keep = When(status__in=REMOVED, then=F("status_before_removal"))
        before = Case(keep, default=F("status"))
    else:
        before = Value("")
    Comment.objects.filter(pk__in=pks).update(
        status=status,
        status_before_removal=before,
        is_public=status == Comment.Status.APPROVED,
        is_removed=removed,
    )
    if status == Comment.Status.APPROVED:
        for pk in pks:
            transaction.on_commit(lambda pk=pk: notify_followers.defer(comment_id=pk))
    return len(pks)


def comments_restore(*, comments) -> int:
    """Take comments out of spam or trash, back to what they were (pending when unknown)."""
    removed = comments.filter(status__in=REMOVED)
    approved = removed.filter(status_before_removal=Comment.Status.APPROVED)
    count = comments_set_status(comments=approved, status=Comment.Status.APPROVED)
    rest = removed.exclude(status_before_removal=Comment.Status.APPROVED)
    return count + comments_set_status(comments=rest, status=Comment.Status.PENDING)


def comment_notify_followers(*, comment_id: int) -> int:
    """Mail everyone who asked to follow the post about a new comment (xtd's follow-up mail,
    with the post's title in the subject); the number of mails."""
    comment = Comment.objects.filter(pk=comment_id, status=Comment.Status.APPROVED).first()
    if comment is None:
        return 0
    followers = (
        Comment.objects.public()
        .filter(content_type=comment.content_type, object_pk=comment.object_pk, followup=True)
        .exclude(user_email__iexact=comment.user_email)
        .order_by("user_email", "submit_date")
        .distinct("user_email")
    )
    post = comment.content_object
    subject = f"New comment on “{post.title_text}”"
    for follower in followers:
        key = signed.dumps(follower, compress=True, extra_key=settings.COMMENTS_XTD_SALT)
        context = {
            "user_name": follower.user_name,
            "comment": comment,
            "content_object": post,
            "mute_url": reverse("comments-xtd-mute", args=[key.decode()]),
            "site_name": SiteSettings.load().title,
        }
        text, html = render_mail("django_comments_xtd/email_followup_comment", context)
        mail_queue(subject, text, None, [follower.user_email], html=html)
    return len(followers)


def comment_confirmation_request(comment, key, site, **_templates) -> None:
    """Mail a guest the link that publishes their comment (replaces xtd's, whose subject is
    "comment confirmation request"): the subject names the post."""
    context = {
        "comment": comment,
        "confirmation_url": reverse("comments-xtd-confirm", args=[key.decode()]),
        "site_name": SiteSettings.load().title,
    }
    text, html = render_mail("django_comments_xtd/email_confirmation_request", context)
    subject = f"Confirm your comment on “{comment.content_object.title_text}”"
    mail_queue(subject, text, None, [comment.user_email], html=html)


def render_mail(name: str, context: dict) -> tuple[str, str]:
    """The text and HTML parts of a mail from name.txt and name.html."""
    return render_to_string(f"{name}.txt", context), render_to_string(f"{name}.html", context)


def comment_notify_moderators(*, comment_id: int) -> int:
    """Mail the post's author and the editors that a comment waits; the number of mails."""
    comment = Comment.objects.filter(pk=comment_id, status=Comment.Status.PENDING).first()
    if comment is None or not DiscussionSettings.load().notify_moderators:
        return 0
    post = comment.content_object
    recipients = moderator_emails(post) - {comment.user_email.lower()}
    context = {"comment": comment, "post": post, "site_url": settings.SITE_URL}
    subject = f"Please moderate: “{post.title_text}”"
    body = render_to_string("comments/email/moderation_notice.txt", context)
    for email in sorted(recipients):
        mail_queue(subject, body, None, [email])
    return len(recipients)


def moderator_emails(post) -> set[str]:
    editors = get_user_model().objects.filter(is_active=True, groups__name=EDITOR_GROUP)
    emails = set(editors.exclude(email="").values_list("email", flat=True))
    if post.author.is_active and post.author.email:
        emails.add(post.author.email)
    return {email.lower() for email in emails}


def mail_queue(subject, body, from_email, recipient_list, fail_silently=False, html=None):
    """Send a mail from the task queue once the transaction commits.

    Same signature as django_comments_xtd.utils.send_mail, which it replaces (CommentsConfig).
    """
    send_mail = jobs.task("comments.tasks.send_mail")
    message = {
        "subject": header_text(subject),
        "body": str(body),
        "from_email": blog_sender() if from_email in BLOG_SENDERS else from_email,
        "recipient_list": [str(address) for address in recipient_list],
        "html": str(html) if html else None,
    }
    transaction.on_commit(lambda: send_mail.defer(**message))


def mail_send(*, subject, body, from_email, recipient_list, html=None) -> None:
    """Hand one message to the mail server now; an error propagates so the task retries.

    The subject and sender are folded to one line (blog.mail.header_text): they carry post
    titles and names, and a line break in them would fail the message for good.
    """
    subject = header_text(subject)
    from_email = header_text(from_email) if from_email else blog_sender()
    message = EmailMultiAlternatives(subject, body, from_email, recipient_list)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
