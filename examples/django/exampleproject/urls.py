from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(f"hello over {'HTTPS' if request.is_secure() else 'HTTP'}\n",
                            content_type="text/plain")
    response.set_cookie("visited", "1")  # flagged by HSTSGUARD["COOKIES"]
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("", hello), path("healthz", healthz)]
