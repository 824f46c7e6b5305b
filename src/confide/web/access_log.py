"""uvicorn's logging for `confide serve`: the access log names method, path and status, never the
query string (a /book link says which therapist and what kind of session someone looks at).
Headers and bodies are never logged: uvicorn's access log has neither, and we add nothing."""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG


class WithoutQueryString(logging.Filter):
    """Cuts the query from uvicorn access records: (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def serving_log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["without_query_string"] = {"()": WithoutQueryString}
    # on the logger, not a handler, so a handler added later never sees the query either
    config["loggers"]["uvicorn.access"]["filters"] = ["without_query_string"]
    return config
