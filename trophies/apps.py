from django.apps import AppConfig


class TrophiesConfig(AppConfig):
    name = "trophies"
