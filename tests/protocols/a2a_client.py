"""The ``a2a-sdk`` client: fetch the agent card, send a message streamed or not, read the answer."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.types import Message, Part, Role, TextPart


@dataclass
class A2AResult:
    card: Any
    text: str
    state: str
    updates: list[Any] = field(default_factory=list)


def ask(base_url: str, prompt: str, *, streaming: bool, token: str | None = None) -> A2AResult:
    async def main() -> A2AResult:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(headers=headers, timeout=60) as http:
            card = await A2ACardResolver(http, base_url).get_agent_card()
            card.url = f"{base_url}/"  # the card advertises the deployed URL; talk to this server
            client = ClientFactory(ClientConfig(httpx_client=http, streaming=streaming)).create(card)
            message = Message(
                role=Role.user, parts=[Part(root=TextPart(text=prompt))], message_id=str(uuid.uuid4())
            )
            updates: list[Any] = []
            task: Any = None
            async for event in client.send_message(message):
                if isinstance(event, tuple):
                    task, update = event
                    if update is not None:
                        updates.append(update)
            assert task is not None, "the server answered with no task"
            text = "".join(
                part.root.text
                for artifact in task.artifacts or []
                for part in artifact.parts
                if isinstance(part.root, TextPart)
            )
            if not text and task.status.message is not None:
                text = "".join(p.root.text for p in task.status.message.parts if isinstance(p.root, TextPart))
            return A2AResult(card=card, text=text, state=str(task.status.state.value), updates=updates)

    return asyncio.run(main())
