from rest_framework.routers import DefaultRouter

app_name = "quizzes-api"

router = DefaultRouter()
urlpatterns = router.urls
