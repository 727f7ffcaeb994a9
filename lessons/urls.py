from django.urls import path

from . import audio_views, views

app_name = "lessons"

urlpatterns = [
    path("", views.index, name="index"),
    path("depth/", views.set_depth, name="depth"),
    path("audio/<int:pk>/<str:digest>.ogg", audio_views.audio_file, name="audio-file"),
    path("audio/<int:pk>/<str:digest>.vtt", audio_views.audio_captions, name="audio-captions"),
    path("<str:number>/", views.section, name="section"),
    path("<str:number>/read/", views.mark_read, name="mark-read"),
]
