"""The REST API: FastAPI routers beside the Gradio UI, bearer-token auth, domain errors translated to HTTP."""

from assistant.api.errors import install_error_handlers
from assistant.api.routes import router

__all__ = ["install_error_handlers", "router"]
