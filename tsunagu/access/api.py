"""The API's side of the policy: a refused API call is logged like a refused page (one `denied` row), then
answered in the shared Japanese error format of tsunagu.core.api. Also the field that tells, in every record
shaped by a detail level, which level it is."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from tsunagu.access.policy import DetailLevel, Refused, refusal_message, refusal_record
from tsunagu.core.api import exception_handler as core_exception_handler


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]."""
    request = context.get("request")
    refused = isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied)
    if refused and request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        refusal_record(request=request, exception=exc)
    if isinstance(exc, Refused):
        # The policy's own sentence (which capability, whose staff may), as the 403 page shows it.
        exc = exceptions.PermissionDenied(refusal_message(exc))
    return core_exception_handler(exc, context)


class DetailLevelField(serializers.ChoiceField):
    """`detail_level` of a record shaped for one level: always that level. In the schema it is an enum of that
    one value, so the shapes of the levels exclude each other and a response matches exactly one of them."""

    def __init__(self, level: DetailLevel, **kwargs) -> None:  # noqa: ANN003
        self.level = level
        kwargs.setdefault("help_text", "この記録を見られる範囲（full：すべて、community：名簿の項目）。")
        super().__init__(choices=[level.value], read_only=True, source="*", **kwargs)

    def to_representation(self, value: object) -> str:
        return self.level.value
