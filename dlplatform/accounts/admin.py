from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    list_display = ("username", "email", "is_staff", "is_superuser", "date_joined")
    list_filter = ("is_staff", "is_superuser", "groups")
