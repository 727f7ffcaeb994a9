from django.urls import path

from . import views

app_name = "flashcards"

urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("section/<str:number>/", views.section, name="section"),
    path("<slug:slug>/", views.study, name="study"),
    path("<slug:slug>/export.csv", views.export_csv, name="export-csv"),
    path("<slug:slug>/export.apkg", views.export_apkg, name="export-apkg"),
]
