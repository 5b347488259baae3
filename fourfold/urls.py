from django.urls import include, path

from fourfold.api.api import api
from fourfold.web.views.health import healthz
from fourfold.web.views.language import set_language

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    # Django's own (django.conf.urls.i18n holds only this), wrapped to save a member's choice.
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("fourfold.web.urls")),
]

handler400 = "fourfold.web.views.errors.bad_request"
handler404 = "fourfold.web.views.errors.page_not_found"
handler500 = "fourfold.web.views.errors.server_error"
