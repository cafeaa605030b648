"""How the OpenAPI schema describes our token authentication (drf-spectacular knows only DRF's own classes).
Imported from AccountsConfig.ready(), which registers the extension."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tsunagu.accounts.authentication.ApiTokenAuthentication"
    # The class in the settings is the access floor's subclass (it also gives the request its Viewer).
    match_subclasses = True
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=self.target.keyword)
