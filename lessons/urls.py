from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("", views.index, name="index"),
    path("depth/", views.set_depth, name="depth"),
    path("<str:number>/", views.section, name="section"),
    path("<str:number>/read/", views.mark_read, name="mark-read"),
]
