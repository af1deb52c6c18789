from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY).

    Django 5.2 has no built-in CSP support. The admin's own templates still carry a
    few inline style attributes, so admin pages may use inline styles; no page may
    run inline scripts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_policy = settings.CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            is_admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = self.admin_policy if is_admin else settings.CONTENT_SECURITY_POLICY
        return response
