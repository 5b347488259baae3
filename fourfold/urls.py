from django.urls import include, path

from fourfold.api.api import api
from fourfold.web.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("fourfold.web.urls")),
]

handler400 = "fourfold.web.views.errors.bad_request"
handler404 = "fourfold.web.views.errors.page_not_found"
handler500 = "fourfold.web.views.errors.server_error"
