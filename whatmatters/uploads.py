"""Upload limits that apply while a file is received, for every upload.

Each upload view says how large a file it takes with `@upload_limit(bytes, files=n)`; any other view takes
`WHATMATTERS_MAX_UPLOAD_MB` (5 MB by default). `UploadLimitMiddleware` runs before the CSRF check reads the
form, so a file is never stored whole before its size is checked:

- when the browser says how large the request is (it nearly always does) and that is over the limit, the
  request is refused at once with the "This file is too large" page (413) and the body is not read;
- otherwise `LimitedUploadHandler` counts each file's bytes as they arrive and stops the upload at the limit;
  the rest of the request is read and dropped, never stored, and the same page is shown.

Nothing is saved from a refused upload. The importers still check the size of what they read (the command
line reads files without this middleware).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from whatmatters.imports.reading import megabytes

SLACK = 64 * 1024  # room for the other form fields and the multipart boundaries


def upload_limit(max_bytes: int, *, files: int = 1) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The largest file this view takes (each of up to `files` files)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.upload_limit = (max_bytes, files)  # type: ignore[attr-defined]
        return view

    return decorate


def default_limit() -> int:
    return int(settings.WHATMATTERS_MAX_UPLOAD_MB * 1024 * 1024)


class LimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive; stops the upload when one is over the limit."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.upload_refused = self.file_name  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)  # Django reads the rest and drops it
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(request: HttpRequest, max_bytes: int, name: str = "") -> HttpResponse:
    return render(
        request,
        "errors/upload_too_large.jinja",
        {"limit": megabytes(max_bytes), "name": name, "back": request.get_full_path()},
        status=413,
    )


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        max_bytes, files = getattr(view, "upload_limit", (default_limit(), 1))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes * files + SLACK:
            return too_large(request, max_bytes)
        request.upload_handlers.insert(0, LimitedUploadHandler(request, max_bytes))
        request.POST  # noqa: B018 - read the form now, through the limited handler
        name = getattr(request, "upload_refused", None)
        if name is not None:
            return too_large(request, max_bytes, name)
        return None
