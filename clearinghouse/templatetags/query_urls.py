"""Links that change one part of the current URL's query string and keep the rest.

Pages whose whole state lives in the URL (the catalog's search, filters, sort and page)
build their links with these, in templates (`{% query_url page=2 %}`) and in Python.
Unlike Django's `{% querystring %}`, an empty query gives the bare path, never "path?".
"""

from django import template

register = template.Library()


def url_with_query(path, query_dict, **changes):
    """`path` plus `query_dict` with each given parameter set (a list sets several values; None removes it)."""
    params = query_dict.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif isinstance(value, list | tuple):
            params.setlist(key, [str(item) for item in value])
        else:
            params[key] = str(value)
    query_string = params.urlencode()
    return f"{path}?{query_string}" if query_string else path


def url_without_value(path, query_dict, param, value, *, reset=("page",)):
    """`path` plus `query_dict` with one value of `param` removed and the `reset` parameters dropped."""
    params = query_dict.copy()
    params.setlist(param, [item for item in params.getlist(param) if item != value])
    changes = dict.fromkeys(reset)
    return url_with_query(path, params, **changes)


@register.simple_tag(takes_context=True)
def query_url(context, path=None, **changes):
    """The current URL (or `path`) with some query parameters changed: `{% query_url page=3 %}`."""
    request = context["request"]
    return url_with_query(request.path if path is None else path, request.GET, **changes)


@register.simple_tag(takes_context=True)
def query_url_without(context, param, value, path=None):
    """The current URL with one value of a multi-valued parameter removed, back on page 1."""
    request = context["request"]
    return url_without_value(request.path if path is None else path, request.GET, param, str(value))
