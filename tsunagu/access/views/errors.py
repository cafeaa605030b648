"""The site's 403 handler: every refusal (a capability the user lacks, a change they may not make) ends here
as one Japanese page and one `denied` audit row, written by the policy's refusal service."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.access.policy import refusal_message, refusal_record


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    refusal_record(request=request, exception=exception)
    return render(request, "403.html", {"reason": refusal_message(exception)}, status=403)
