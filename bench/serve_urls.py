"""fourfold's URLs and a bare view: no template, no query, the same middleware."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fourfold.urls import urlpatterns as fourfold_urls


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *fourfold_urls]
