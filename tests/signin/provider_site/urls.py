from django.urls import include, path

from tests.signin.provider_site import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", views.sign_in_page),
    path("login-as/<str:username>/", views.login_as),
    path("avatars/<str:username>.png", views.avatar),
    path("facebook/me", views.facebook_me),
    path("x/2/users/me", views.x_me),
    path("wordpress/rest/v1.1/me", views.wordpress_me),
]
