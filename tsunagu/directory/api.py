"""The HSDS 3.0 API of the public directory, read-only and open to anyone (no personal data): `/` (version, profile,
openapi_url), `/services` (a page of services with HSDS's page envelope), `/services/{id}` (one service, fully
nested) and `/export.json` (every organization with its services and locations, for a bulk download).

These endpoints follow the HSDS OpenAPI document (HSDS_OPENAPI_URL), not tsunagu's own: they are left out of
/api/schema/, whose operations all require a token. Anonymous requests are throttled like any anonymous API call."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from tsunagu.core.paging import page_number
from tsunagu.directory import hsds
from tsunagu.directory.models import search_fold
from tsunagu.directory.selectors import TownAreas, public_service_get, public_services

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


class _PublicHsdsApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]


@extend_schema(exclude=True)
class HsdsRootApi(_PublicHsdsApi):
    def get(self, request: Request) -> Response:
        return Response(
            {"version": hsds.HSDS_VERSION, "profile": hsds.HSDS_PROFILE, "openapi_url": hsds.HSDS_OPENAPI_URL}
        )


def _per_page(request: Request) -> int:
    raw = request.query_params.get("per_page", "")
    if raw.isascii() and raw.isdigit():
        return min(max(int(raw), 1), MAX_PER_PAGE)
    return DEFAULT_PER_PAGE


@extend_schema(exclude=True)
class HsdsServiceListApi(_PublicHsdsApi):
    """A page of services (their one-to-one fields; `full=true` nests each fully), searchable with `search`."""

    def get(self, request: Request) -> Response:
        services = public_services().order_by("name", "pk")
        search = request.query_params.get("search", "").strip()
        if search:
            services = services.filter(search_key__contains=search_fold(search))
        organization_id = request.query_params.get("organization_id", "")
        if organization_id:
            try:
                services = services.filter(organisation__uuid=uuid.UUID(organization_id))
            except ValueError:
                services = services.none()
        per_page = _per_page(request)
        total = services.count()
        pages = max((total + per_page - 1) // per_page, 1)
        page = min(page_number(request), pages)
        rows = list(services[(page - 1) * per_page : page * per_page])
        if request.query_params.get("full", "").lower() == "true":
            areas = TownAreas()
            contents = [hsds.service_full(s, areas=areas) for s in rows]
        else:
            contents = [hsds.service_brief(s) for s in rows]
        return Response(
            {
                "total_items": total,
                "total_pages": pages,
                "page_number": page,
                "size": len(rows),
                "first_page": page == 1,
                "last_page": page == pages,
                "empty": total == 0,
                "contents": contents,
            }
        )


@extend_schema(exclude=True)
class HsdsServiceApi(_PublicHsdsApi):
    def get(self, request: Request, service_id: str) -> Response:
        try:
            key = uuid.UUID(service_id)
        except ValueError:
            raise Http404 from None
        service = public_service_get(service_uuid=str(key))
        if service is None:
            raise Http404
        return Response(hsds.service_full(service, areas=TownAreas()))


@extend_schema(exclude=True)
class HsdsExportApi(_PublicHsdsApi):
    """The whole directory in one file: a list of organizations, each with its services and locations."""

    def get(self, request: Request) -> Response:
        data = hsds.directory_export(list(public_services().order_by("name", "pk")))
        day = timezone.localdate().isoformat()
        return Response(data, headers={"Content-Disposition": f'attachment; filename="directory-hsds-{day}.json"'})
