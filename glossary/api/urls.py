from rest_framework.routers import DefaultRouter

app_name = "glossary-api"

router = DefaultRouter()
urlpatterns = router.urls
