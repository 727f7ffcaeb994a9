from rest_framework.routers import DefaultRouter

app_name = "flashcards-api"

router = DefaultRouter()
urlpatterns = router.urls
