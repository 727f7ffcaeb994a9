from rest_framework.routers import DefaultRouter

app_name = "lessons-api"

router = DefaultRouter()
urlpatterns = router.urls
