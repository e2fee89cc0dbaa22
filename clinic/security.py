"""Response headers that Django 5.2 does not set by itself: a Content-Security-Policy and no-store caching."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    """Every page Django renders gets the Content-Security-Policy (no inline script or style: an injected
    `<script>` or `onclick=` does not run) and is never stored by the browser or a proxy, since almost every
    page shows patient data (the staff pages, the admin, the opt-out page). Static files are answered by
    WhiteNoise before this middleware and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        add_never_cache_headers(response)
        return response
