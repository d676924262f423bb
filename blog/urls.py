from django.urls import path, re_path, register_converter

from blog import feeds, views


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
    path("<yyyy:year>/", views.YearView.as_view(), name="archive-year"),
    path("<yyyy:year>/<dd:month>/", views.MonthView.as_view(), name="archive-month"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", views.DayView.as_view(), name="archive-day"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<str:slug>/", views.post_detail, name="post"),
    # Last, so it never hides another address: slugs only (no dots: files, robots.txt).
    re_path(r"^(?P<path>[-\w]+(?:/[-\w]+)*)/$", views.page_detail, name="page"),
]
