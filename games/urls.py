from django.urls import path

from . import views

app_name = "games"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("round/<str:pk>/", views.play, name="play"),
    path("round/<str:pk>/result/", views.result, name="result"),
]
