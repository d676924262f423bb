from django.urls import path

from blog.stats import views

app_name = "stats"
urlpatterns = [
    path("likes/<int:post_id>/", views.post_like, name="post-like"),
]
