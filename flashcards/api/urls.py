from rest_framework.routers import DefaultRouter

from .views import DeckViewSet, ReviewViewSet

app_name = "flashcards-api"

router = DefaultRouter()
router.register("decks", DeckViewSet, basename="deck")
router.register("reviews", ReviewViewSet, basename="review")
urlpatterns = router.urls
