from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from tokens.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer fp_…`: the request then acts as the token's user."""

    openapi_description = "An API token from the admin or `manage.py create_api_token USERNAME`."

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        found = ApiToken.objects.authenticate(token)
        if found is None:
            return None
        found.touch()
        request.user = found.user
        return found.user
