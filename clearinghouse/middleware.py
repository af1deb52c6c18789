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


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY as the Permissions-Policy header on every response.

    It turns off browser features (camera, microphone, geolocation, payment, USB and the
    like) that no page uses, so neither an injected script nor an embedded frame can ask for them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        return response
