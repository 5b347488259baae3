"""Django's own login by username and password, with one addition: the member's row comes with
the count of their unread notifications, which every page's bell shows, so no page asks a
query for it."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from fourfold.accounts.models import User
from fourfold.reminders.selectors import unread_count_of_outer_user

BACKEND = "fourfold.web.auth.MemberBackend"


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            User._default_manager.annotate(unread_notifications=unread_count_of_outer_user())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
