from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django_comments_xtd import views as xtd_views

from comments import feeds, views

POST_PATH = r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[^/]+)/"

# The site's own names, under the "comments" namespace.
comments_patterns = [
    path("comments/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("comments/feed/atom/", feeds.LatestCommentsAtomFeed(), name="feed-atom"),
    re_path(POST_PATH + r"feed/$", feeds.PostCommentsFeed(), name="post-feed"),
    re_path(POST_PATH + r"feed/atom/$", feeds.PostCommentsAtomFeed(), name="post-feed-atom"),
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path(
        "accounts/signup/sent/",
        TemplateView.as_view(template_name="registration/signup_sent.html"),
        name="signup-sent",
    ),
    path("accounts/activate/<uidb64>/<token>/", views.signup_activate, name="signup-activate"),
]

# Names that django-comments, django-comments-xtd and django.contrib.auth reverse themselves.
library_patterns = [
    path("comments/post/", views.comment_post, name="comments-post-comment"),
    path("comments/sent/", xtd_views.sent, name="comments-xtd-sent"),
    path("comments/confirm/<str:key>/", views.comment_confirm, name="comments-xtd-confirm"),
    path("comments/mute/<str:key>/", views.comment_mute, name="comments-xtd-mute"),
    path("comments/reply/<int:cid>/", views.comment_reply, name="comments-xtd-reply"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include((comments_patterns, "comments"))),
    path("", include(library_patterns)),
]
