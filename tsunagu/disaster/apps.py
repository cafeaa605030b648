from django.apps import AppConfig


class DisasterConfig(AppConfig):
    name = "tsunagu.disaster"
    verbose_name = "災害時の安否確認"

    def ready(self) -> None:
        # The disaster-time grant joins the access policy as its own data scope.
        from . import in_force, scope  # noqa: F401

        in_force.connect()
