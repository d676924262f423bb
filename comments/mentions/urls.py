from django.urls import path, re_path

from comments.mentions import pingback, trackback, webmention
from comments.urls import POST_PATH

app_name = "mentions"
urlpatterns = [
    re_path(POST_PATH + r"trackback/$", trackback.endpoint, name="trackback"),
    path("xmlrpc/", pingback.xmlrpc_endpoint, name="xmlrpc"),
    path("xmlrpc.php", pingback.xmlrpc_endpoint, name="xmlrpc-php"),
    path("webmention/", webmention.endpoint, name="webmention"),
    path("webmention/<uuid:token>/", webmention.status, name="webmention-status"),
]
