"""Request-wide backstops: input no page can store, and a refusal a view forgot to answer.

PostgreSQL text cannot hold a NUL character (psycopg refuses it before the query is sent), so a NUL in any
parameter would otherwise fail deep inside a view or the admin with a server error. No clinician types one: it
comes from pasted binary text or a probe. Forms validate their own fields too; this catches everything else
(admin filters, autocompletes, hand-read parameters) before any view runs, so nothing is saved."""

from django.http import Http404
from django.shortcuts import render

from clinic.errors import OutOfScopeError

NUL = "\x00"


def _has_nul(query) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


class RejectNulMiddleware:
    """Answer 400 with a readable page when the path, a query parameter or a form field holds a NUL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(request, "bad_input.html", status=400)
        return self.get_response(request)


class OutOfScopeMiddleware:
    """A backstop for a view that lets the policy's OutOfScopeError escape: the plain "Not found" page, the same as
    for a patient who does not exist (a 403 would tell the two apart), never a server error. Views and services
    answer out-of-scope records themselves; this only catches what one of them forgot."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OutOfScopeError):
            raise Http404 from exception
        return None
