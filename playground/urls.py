from django.urls import path

from . import views

app_name = "playground"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("estimate/", views.estimate, name="estimate"),
    path("compare/", views.compare, name="compare"),
    path("queue/", views.queue, name="queue"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("jobs/<int:pk>/stop/", views.job_stop, name="stop"),
]
