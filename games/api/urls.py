from rest_framework.routers import DefaultRouter

from .views import RoundViewSet

app_name = "games-api"

router = DefaultRouter()
router.register("rounds", RoundViewSet, basename="round")
urlpatterns = router.urls
