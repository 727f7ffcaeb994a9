from rest_framework.routers import DefaultRouter

app_name = "playground-api"

router = DefaultRouter()
urlpatterns = router.urls
