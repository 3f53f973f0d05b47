"""python app.py [--demo]: the agent desk UI and the REST API on one server (127.0.0.1:7860 by default)."""

import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no outbound calls
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.errors import RapportError  # noqa: E402
from assistant.facade import Assistant  # noqa: E402
from assistant.server import claim_store, create_app, serve  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def main(argv: list[str]) -> None:
    settings = Settings(**({"demo_mode": True} if "--demo" in argv else {}))
    try:
        lock = claim_store(settings)  # the store's one writer from here on; a second server refuses to start
        assistant = Assistant(settings)
        # Only --demo fills an empty store with the invented demo customers (or `rapport demo`, explicitly).
        serve(create_app(settings, assistant, demo_data=settings.demo_mode), settings, lock)
    except RapportError as exc:  # a clean message, not a traceback (store unreachable, demo off loopback...)
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main(sys.argv[1:])
