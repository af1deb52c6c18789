"""The usage beacon: pages post the signed token they carry; one upsert per counted request."""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from usage import counting

TOKEN_MAX_LENGTH = 1000


@csrf_exempt  # Sent by navigator.sendBeacon, without the page's CSRF token; it can only count what was served.
@require_POST
def beacon(request):
    """204 whatever happens: the page never waits for or learns anything from it."""
    response = HttpResponse(status=204)
    add_never_cache_headers(response)
    if not counting.is_countable(request) or len(request.body) > TOKEN_MAX_LENGTH:
        return response
    payload = counting.read_token(request.body.decode("ascii", "replace").strip())
    if isinstance(payload, dict) and isinstance(payload.get("view"), int):
        counting.count_resource_use(payload["view"], "views")
    elif isinstance(payload, dict) and isinstance(payload.get("search"), dict):
        search = payload["search"]
        counting.count_search(query=search.get("q", ""), filters=search.get("f", ""), result_count=search.get("n", 0))
    return response
