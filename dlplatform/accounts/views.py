from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dlplatform.ratelimit import client_ip, hit

from . import services
from .forms import SignupForm

SIGNUPS_PER_HOUR = 20


def _too_many(request: HttpRequest, template: str, form: object) -> HttpResponse:
    messages.error(request, "Too many attempts from your address. Please wait a minute and retry.")
    return render(request, template, {"form": form}, status=429)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if not hit(key=f"signup:{client_ip(request)}", limit=SIGNUPS_PER_HOUR, window_s=3600):
            return _too_many(request, "registration/signup.html", form)
        if form.is_valid():
            user = services.user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data.get("email", ""),
                password=form.cleaned_data["password1"],
            )
            login(request, user, backend="dlplatform.accounts.backends.UserWithRoleBackend")
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})
