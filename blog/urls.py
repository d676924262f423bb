from django.urls import path, re_path, register_converter

from blog import feeds, followers_views, views


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigits, "dd")

app_name = "blog"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed-atom"),
    path("category/<path:path>/feed/", feeds.CategoryFeed(), name="category-feed"),
    path("category/<path:path>/feed/atom/", feeds.CategoryAtomFeed(), name="category-feed-atom"),
    path("category/<path:path>/", views.CategoryView.as_view(), name="category"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tag/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<str:username>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("author/<str:username>/feed/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    path("author/<str:username>/", views.AuthorView.as_view(), name="author"),
    path("likes/<int:post_id>/", views.post_like, name="post-like"),
    path("followers/", followers_views.follow, name="follow"),
    path("followers/check-your-inbox/", followers_views.follow_sent, name="follow-sent"),
    path("followers/confirm/<str:token>/", followers_views.follow_confirm, name="follow-confirm"),
    path("followers/leave/", followers_views.unfollow, name="unfollow"),
    path("followers/unsubscribe/<str:token>/", followers_views.unsubscribe, name="unsubscribe"),
    path("image/<int:pk>/", views.image_detail, name="image"),
    path("<yyyy:year>/", views.YearView.as_view(), name="archive-year"),
    path("<yyyy:year>/<dd:month>/", views.MonthView.as_view(), name="archive-month"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", views.DayView.as_view(), name="archive-day"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<str:slug>/", views.post_detail, name="post"),
    # Last, so it never hides another address: slugs only (no dots: files, robots.txt).
    re_path(r"^(?P<path>[-\w]+(?:/[-\w]+)*)/$", views.page_detail, name="page"),
]
