"""The check tests/fuzz/run.sh holds /graphql to (loaded through SCHEMATHESIS_HOOKS).

Schemathesis's own `not_a_server_error` is the check we want in spirit, but for GraphQL it also
fails every error that has a `path` unless `extensions.code` is one of Apollo's client codes
(BAD_USER_INPUT...). aidgraph's client errors, INVALID_ARGUMENT, INVALID_ID,
PAGE_SIZE_TOO_LARGE, TOO_LARGE and the rest, are exactly such errors: that check fails on
correct answers, and Hypothesis stops exploring an operation at its first failure. This check
keeps its intent in this API's terms.
"""

import json

import schemathesis


@schemathesis.check
def aidgraph_not_a_server_error(ctx, response, case):
    """No 5xx; the body is a JSON object; no error is `INTERNAL`; and every error raised while
    running a field (it has a `path`) carries `extensions.code`, as src/api/error.rs promises.
    Parse and validation errors have no path and need no code."""
    status = response.status_code
    if status >= 500:
        raise AssertionError(f"HTTP {status}: a server error")
    try:
        body = json.loads(response.content)
    except ValueError as e:
        raise AssertionError(f"HTTP {status}, body is not JSON ({e}): {response.content[:300]!r}") from None
    if not isinstance(body, dict):
        raise AssertionError(f"HTTP {status}, body is JSON but not an object: {str(body)[:300]}")
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            raise AssertionError(f"an error that is not an object: {str(error)[:300]}")
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL":
            raise AssertionError(f"INTERNAL error: {error.get('message')}")
        if code is None and error.get("path"):
            raise AssertionError(
                f"an error at {error['path']} has no extensions.code: {error.get('message')}"
            )
