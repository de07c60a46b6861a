from django.apps import AppConfig


class FanportalConfig(AppConfig):
    name = "fanportal"
    verbose_name = "Fan portal"
