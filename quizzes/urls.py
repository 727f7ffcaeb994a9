from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("progress/", views.progress, name="progress"),
    path("grading/", views.grading_list, name="grading"),
    path("grading/<int:pk>/", views.grading_save, name="grading-save"),
    path("section/<str:number>/", views.section, name="section"),
    path("<int:pk>/", views.quiz_detail, name="quiz"),
    path("<int:pk>/start/", views.quiz_start, name="start"),
    path("attempt/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempt/<int:pk>/page/", views.attempt_page_turn, name="page"),
    path("attempt/<int:pk>/submit/", views.attempt_submit, name="submit"),
    path("attempt/<int:pk>/result/", views.result, name="result"),
    path(
        "files/<int:question_id>/<str:area>/<str:name>",
        views.question_file,
        name="question-file",
    ),
]

# Formats engineer's pages: instructor reports (quizzes/reports.py) and glossary practice
# quizzes (quizzes/practice.py); each module owns its routes.
from .reports import urlpatterns as report_urlpatterns  # noqa: E402

urlpatterns += report_urlpatterns

from .responses_report import urlpatterns as responses_urlpatterns  # noqa: E402

urlpatterns += responses_urlpatterns

from .regrade_report import urlpatterns as regrade_urlpatterns  # noqa: E402

urlpatterns += regrade_urlpatterns

from .practice import urlpatterns as practice_urlpatterns  # noqa: E402

urlpatterns += practice_urlpatterns
