"""A LangChain BaseRetriever bound to one customer, for chains that expect one; it never sees other customers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class CustomerRetriever(BaseRetriever):
    """`CustomerRetriever(retriever=assistant.retriever, customer_id="cust-maria-lopez").invoke("exams")`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # assistant.memory.retrieval.Retriever
    customer_id: str
    k: int = 10
    mode: str = "hybrid"
    now: datetime | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=ev.text,
                metadata={
                    "customer_id": self.customer_id,
                    "interaction_id": ev.interaction_id,
                    "turn_ids": list(ev.turn_ids),
                    "channel": ev.channel,
                    "started_at": ev.started_at.isoformat(),
                    "score": ev.score,
                },
            )
            for ev in self.retriever.retrieve(self.customer_id, query, k=self.k, mode=self.mode, now=self.now)
        ]
