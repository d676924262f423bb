from django.urls import path

from blog.media import views

app_name = "media"
urlpatterns = [
    path("image/<int:pk>/", views.image_detail, name="image"),
]
