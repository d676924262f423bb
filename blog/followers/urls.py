from django.urls import path

from blog.followers import views

app_name = "followers"
urlpatterns = [
    path("followers/", views.follow, name="follow"),
    path("followers/check-your-inbox/", views.follow_sent, name="follow-sent"),
    path("followers/confirm/<str:token>/", views.follow_confirm, name="follow-confirm"),
    path("followers/leave/", views.unfollow, name="unfollow"),
    path("followers/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
