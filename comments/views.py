from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views import generic
from django.views.decorators.http import require_POST
from django_comments_xtd import views as xtd_views
from django_comments_xtd.models import XtdComment

from blog import logins
from blog.crossorigin import origin_protected
from comments import accounts, selectors, services
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings

REFUSALS = {
    "flood": (429, "You are posting comments too fast. Please wait a few minutes and try again."),
    "expired": (
        400,
        "This comment form has expired or was changed. Reload the post and send your comment "
        "again.",
    ),
    "no-post": (400, "We could not find the post you are commenting on."),
    "closed": (403, "Comments are closed on this post."),
    "refused": (400, "Your comment could not be posted."),
}


def refuse(request, reason, post=None):
    """A clear error page that gives the commenter their text back, so nothing is lost."""
    status, message = REFUSALS[reason]
    context = {"message": message, "post": post, "text": request.POST.get("comment", "")}
    return render(request, "comments/refused.html", context, status=status)


@origin_protected  # no CSRF token: the form is on pages cached for every reader
@require_POST
def comment_post(request):
    limit, window = settings.COMMENTS_RATE_LIMIT
    if services.rate_limit_hit(request, scope="comment", limit=limit, window=window):
        return refuse(request, "flood")
    post = selectors.post_for_form(request.POST)
    if post is None:
        return refuse(request, "no-post")
    if not selectors.discussion_open(post, DiscussionSettings.load()):
        return refuse(request, "closed", post)
    form = CommentForm(post, data=services.comment_form_data(request))
    if form.security_errors():
        return refuse(request, "expired", post)
    if not form.is_valid():
        return render(request, "comments/post_form.html", {"form": form, "post": post}, status=400)
    comment = services.comment_submit(form=form, request=request)
    if comment is None:
        return refuse(request, "refused", post)
    return redirect(f"{reverse('comments-xtd-sent')}?c={comment._get_pk_val()}")


def _link_page(request, state, status=200, **context):
    return render(request, "comments/link.html", {"state": state, **context}, status=status)


def comment_confirm(request, key):
    """The link in a guest's confirmation mail. GET shows the comment and a button: mail
    scanners open every link, and the address may not be the writer's. POST publishes it."""
    tmp_comment = services.comment_from_confirmation(key)
    if tmp_comment is None:
        return _link_page(request, "bad-confirm", status=400)
    done = services.comment_confirmed_already(tmp_comment)
    if done is not None and Comment.objects.shown().filter(pk=done.pk).exists():
        return redirect(done)
    if done is not None:
        return render(request, "django_comments_xtd/moderated.html", {"comment": done})
    if request.method != "POST":
        return _link_page(request, "confirm", comment=tmp_comment, post=tmp_comment.content_object)
    comment = services.comment_confirm(tmp_comment=tmp_comment, request=request)
    if comment is None:
        return render(request, "django_comments_xtd/discarded.html", {"comment": tmp_comment})
    if comment.status != Comment.Status.APPROVED:
        return render(request, "django_comments_xtd/moderated.html", {"comment": comment})
    return redirect(comment)


def comment_mute(request, key):
    """The "stop these emails" link of a follow-up mail: GET asks, POST stops them."""
    muted = services.signed_comment(key)
    if not isinstance(muted, XtdComment) or not muted.followup:
        return _link_page(request, "bad-mute", status=400)
    post = muted.content_object
    if request.method == "POST":
        services.comment_mute(muted=muted)
        return render(request, "django_comments_xtd/muted.html", {"content_object": post})
    return _link_page(request, "mute", post=post, email=muted.user_email)


def comment_permalink(request, pk):
    """/comments/<id>/ leads to the page of the post that shows the comment."""
    comment = get_object_or_404(Comment.objects.shown(), pk=pk)
    post = comment.content_object
    if post is None or not post.is_public:
        raise Http404("No such comment")
    page = selectors.comment_page_number(comment, DiscussionSettings.load())
    return redirect(selectors.comment_url(comment, page))


def comment_reply(request, cid):
    """xtd's reply page (the form under one comment, without JavaScript) for shown comments."""
    comment = get_object_or_404(Comment.objects.shown(), pk=cid)
    post = comment.content_object
    if post is None or not selectors.discussion_open(post, DiscussionSettings.load()):
        raise Http404("Comments are closed")
    return xtd_views.reply(request, cid)


class RateLimitMixin:
    """Refuse a flood of form posts from one address or for one account name with 429 and a
    clear page (blog.logins)."""

    scope = ""

    def post(self, request, *args, **kwargs):
        if logins.attempt_refused(request, self.scope):
            return render(request, "registration/rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)


class SignupView(RateLimitMixin, generic.FormView):
    scope = "signup"
    template_name = "registration/signup.html"
    form_class = accounts.SignupForm
    success_url = reverse_lazy("comments:signup-sent")

    def form_valid(self, form):
        accounts.signup_create(form=form, next_url=self.request.GET.get("next", ""))
        return super().form_valid(form)


def signup_activate(request, uidb64, token):
    """The link in the sign-up mail. GET shows a button (mail scanners open every link, and
    a GET must change nothing); POST activates the account and logs the reader in."""
    if request.method != "POST":
        user = accounts.account_for_activation(uidb64=uidb64, token=token)
        if user is None:
            return render(request, "registration/activation_invalid.html", status=400)
        return render(request, "registration/activate.html", {"account": user})
    user = accounts.account_activate(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "registration/activation_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(accounts.safe_next(request, request.GET.get("next")))


class LoginView(RateLimitMixin, auth_views.LoginView):
    scope = "login"


class PasswordResetView(RateLimitMixin, auth_views.PasswordResetView):
    scope = "password-reset"
    form_class = accounts.QueuedPasswordResetForm
