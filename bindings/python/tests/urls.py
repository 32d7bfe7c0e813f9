from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


def index(request, rest=""):
    return HttpResponse("ok")


def own_hsts(request):
    response = HttpResponse("own")
    response["Strict-Transport-Security"] = "max-age=60"
    return response


def own_headers(request):
    response = HttpResponse("own")
    response["X-Content-Type-Options"] = "sniff-away"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


def set_cookie(request):
    response = HttpResponse("cookie")
    response.set_cookie("view_cookie", "1", samesite="None")
    response.set_cookie("__Host-id", "2", path="/app")
    return response


def session(request):
    request.session["n"] = request.session.get("n", 0) + 1
    return HttpResponse("session")


def csrf(request):
    get_token(request)
    return HttpResponse("csrf")


@csrf_exempt
def echo(request):
    return HttpResponse(f"{request.method} {request.is_secure()} {request.body!r}")


urlpatterns = [
    path("", index),
    path("health", index),
    path("healthz", index),
    path("own-hsts", own_hsts),
    path("own-headers", own_headers),
    path("cookie", set_cookie),
    path("session", session),
    path("csrf", csrf),
    path("echo", echo),
    path("app/<path:rest>", index),
]
