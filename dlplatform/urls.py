from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ok", views.ok, name="ok"),
    # Pages without an icon link of their own (the admin, DRF's browsable API) get the site's.
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("dlplatform.accounts.urls")),
    path("admin/", admin.site.urls),
    path("glossary/", include("glossary.urls")),
    path("learn/", include("lessons.urls")),
    path("flashcards/", include("flashcards.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("playground/", include("playground.urls")),
    path("games/", include("games.urls")),
    path("api/glossary/", include("glossary.api.urls")),
    path("api/lessons/", include("lessons.api.urls")),
    path("api/flashcards/", include("flashcards.api.urls")),
    path("api/quizzes/", include("quizzes.api.urls")),
    path("api/playground/", include("playground.api.urls")),
    path("api/games/", include("games.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "dlplatform.views.bad_request"
