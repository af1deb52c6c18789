"""Every API error as JSON with a message a person can act on: {"detail": ..., "errors": {param: [...]}}.

Invalid parameters are 400s naming the parameter and what is wrong with its value; they are
never ignored (as the HTML pages ignore them) and never a 500.
"""

from rest_framework import exceptions
from rest_framework.views import exception_handler


class InvalidParameters(exceptions.ValidationError):
    """A 400 naming each bad query parameter."""

    def __init__(self, errors):
        super().__init__(errors)
        self.parameter_errors = {name: [str(message) for message in messages] for name, messages in errors.items()}


def json_error_handler(error, context):
    response = exception_handler(error, context)
    if response is None:
        return None  # Not an API error: Django's own handling (a 500 page, logged).
    if isinstance(error, InvalidParameters):
        response.data = {
            "detail": "Some parameters are not valid: " + "; ".join(error.parameter_errors) + ".",
            "errors": error.parameter_errors,
        }
    elif isinstance(error, exceptions.Throttled):
        response.data = {
            "detail": (
                f"Too many requests from this address: the limit is published at /api/. "
                f"Try again in {error.wait:.0f} seconds."
                if error.wait is not None
                else "Too many requests from this address."
            )
        }
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": "The request is not valid.", "errors": response.data}
    return response


def unknown_parameters(request, known):
    """{parameter: [message]} for each query parameter the endpoint does not take: a typo (topics= for
    topic=) must not silently return the whole catalog."""
    allowed = ", ".join(sorted(known)) if known else "no parameters"
    return {
        name: [f"Unknown parameter. This endpoint takes: {allowed}."]
        for name in sorted(set(request.query_params) - set(known))
    }


def check_known_parameters(request, known):
    """A 400 naming every query parameter the endpoint does not take."""
    errors = unknown_parameters(request, known)
    if errors:
        raise InvalidParameters(errors)
