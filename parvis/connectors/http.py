"""The HTTP transport every connector shares: one request with a timeout, network failures told apart
from answers. Each connector reads the status and body the way its protocol says."""

import urllib.error
import urllib.request

USER_AGENT = "Parvis (GRU)"


class Unreachable(Exception):
    """No answer: timeout, refused connection, name resolution... The message is in French, for agents."""


def fetch(url: str, *, method: str = "GET", headers: dict | None = None, timeout: float) -> tuple[int, bytes]:
    """(HTTP status, body) of one request; 4xx and 5xx are answers too. Raises Unreachable otherwise."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("connector URLs must be http(s)")
    request = urllib.request.Request(url, method=method, headers={  # noqa: S310 (scheme checked above)
        "Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read() if error.fp else b""
    except TimeoutError as error:
        raise Unreachable(f"délai dépassé ({timeout} s)") from error
    except (urllib.error.URLError, OSError) as error:
        if isinstance(getattr(error, "reason", None), TimeoutError):
            raise Unreachable(f"délai dépassé ({timeout} s)") from error
        raise Unreachable(f"connexion impossible : {getattr(error, 'reason', error)}") from error
