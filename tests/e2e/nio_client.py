"""An independent end-to-end encrypted Matrix client for duban's tests (matrix-nio[e2e], vodozemac).

One process per user, driven by tests/e2e/nio.ts over JSON lines:

    stdin:  {"id": 1, "cmd": "login", "args": {"user_id": "@a:localhost", "password": "..."}}
    stdout: {"id": 1, "ok": true, "result": {...}}   or   {"id": 1, "ok": false, "error": "..."}

stdout carries the protocol only; logs go to stderr. Requests run concurrently (a wait does not
block a send). After login the client syncs in the background, so keys flow while the test waits.

    python nio_client.py --homeserver http://127.0.0.1:8008 --store /tmp/x/nio-store

Commands: login, create_room, join, wait_joined, send, messages, wait_message, wait_reaction, devices,
hold_keys, release_keys, drop_keys, close (see HANDLERS at the end).

Late keys: hold_keys(room, user) rotates the room's Megolm session and, when the next message shares
the new session, keeps back the to-device messages (the room key) meant for that user's devices;
release_keys sends them, drop_keys forgets them and rotates again, so that later messages are readable.
"""

import argparse
import asyncio
import json
import logging
import os
import sys
import time
import traceback
from typing import Any
from uuid import uuid4

from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    JoinError,
    LocalProtocolError,
    LoginResponse,
    MegolmEvent,
    RoomCreateError,
    RoomPreset,
    RoomSendResponse,
    ShareGroupSessionResponse,
    SyncResponse,
)
from nio.api import Api

log = logging.getLogger("nio_client")


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent (the test) dies, so nothing is left behind."""
    try:
        import ctypes
        import signal

        if sys.platform.startswith("linux"):
            ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort
        pass


class CommandError(Exception):
    """An error the test should see as a rejected request."""


class HarnessClient(AsyncClient):
    """AsyncClient whose room-key sharing can hold back the to-device messages for chosen users."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hold_for: dict[str, set[str]] = {}  # room id -> users whose room keys are held back
        self.held: dict[str, list[dict[str, Any]]] = {}  # room id -> to-device bodies not sent yet

    async def share_group_session(self, room_id: str, ignore_unverified_devices: bool = False) -> ShareGroupSessionResponse:
        """nio's share_group_session (0.26), except that messages for users in hold_for[room] are kept back."""
        assert self.olm
        room = self.rooms.get(room_id)
        if room is None:
            raise LocalProtocolError(f"No such room with id {room_id}")
        if not room.encrypted:
            raise LocalProtocolError(f"Room with id {room_id} is not encrypted")
        if room_id in self.sharing_session:
            raise LocalProtocolError(f"Already sharing a group session for {room_id}")
        self.sharing_session[room_id] = asyncio.Event()
        missing = self.get_missing_sessions(room_id)
        if missing:
            await self.keys_claim(missing)
        shared_with: set[tuple[str, str]] = set()
        holding = self.hold_for.get(room_id, set())
        try:
            requests = []
            for sharing_with, to_device in self.olm.share_group_session_parallel(
                room_id, list(room.users.keys()), ignore_unverified_devices=ignore_unverified_devices
            ):
                messages = to_device["messages"]
                held = {user: devices for user, devices in messages.items() if user in holding}
                if held:
                    self.held.setdefault(room_id, []).append({"messages": held})
                    log.info("holding back room keys for %s in %s", sorted(held), room_id)
                rest = {user: devices for user, devices in messages.items() if user not in holding}
                if not rest:
                    continue
                method, path, data = Api.to_device(self.access_token, "m.room.encrypted", {"messages": rest}, uuid4())
                requests.append(
                    self._send(ShareGroupSessionResponse, method, path, data, response_data=(room_id, sharing_with))
                )
            for response in await asyncio.gather(*requests, return_exceptions=True):
                if isinstance(response, ShareGroupSessionResponse):
                    shared_with.update(response.users_shared_with)
            self.olm.outbound_group_sessions[room_id].shared = True
        finally:
            self.sharing_session.pop(room_id).set()
        return ShareGroupSessionResponse(room_id, shared_with)

    async def release_held(self, room_id: str) -> int:
        held = self.held.pop(room_id, [])
        self.hold_for.pop(room_id, None)
        for body in held:
            method, path, data = Api.to_device(self.access_token, "m.room.encrypted", body, uuid4())
            response = await self.send(method, path, data, headers={"Content-Type": "application/json"})
            if response.status != 200:
                raise CommandError(f"sending held room keys failed: {response.status} {await response.text()}")
        return len(held)


class Harness:
    def __init__(self, homeserver: str, store: str) -> None:
        self.homeserver = homeserver
        self.store = store
        self.client: HarnessClient | None = None
        self.sync_task: asyncio.Task[None] | None = None
        self.events: dict[str, list[dict[str, Any]]] = {}  # room id -> timeline, oldest first
        self.undecrypted: dict[str, tuple[str, MegolmEvent]] = {}  # event id -> (room id, event)
        self.synced = asyncio.Event()
        self.sync_error: str | None = None

    # ---------------------------------------------------------------- helpers

    def need_client(self) -> HarnessClient:
        if self.client is None:
            raise CommandError("not logged in")
        return self.client

    def record(self, room_id: str, event: Event) -> None:
        timeline = self.events.setdefault(room_id, [])
        entry = describe(event)
        for i, old in enumerate(timeline):
            if old["event_id"] == entry["event_id"]:
                timeline[i] = entry
                break
        else:
            timeline.append(entry)
        if isinstance(event, MegolmEvent):
            self.undecrypted[event.event_id] = (room_id, event)
        else:
            self.undecrypted.pop(event.event_id, None)

    def retry_undecrypted(self) -> None:
        client = self.need_client()
        for event_id, (room_id, event) in list(self.undecrypted.items()):
            try:
                decrypted = client.decrypt_event(event)
            except Exception:  # noqa: BLE001 - still no key
                continue
            if isinstance(decrypted, MegolmEvent):
                continue
            log.info("decrypted %s after its key came", event_id)
            self.record(room_id, decrypted)

    async def settle_keys(self) -> None:
        client = self.need_client()
        try:
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
        except LocalProtocolError as err:  # another task did it first
            log.debug("key housekeeping: %s", err)

    async def sync_loop(self) -> None:
        client = self.need_client()
        first = True
        while True:
            try:
                response = await client.sync(timeout=0 if first else 1000, full_state=first)
                if isinstance(response, SyncResponse):
                    first = False
                    self.sync_error = None
                    await client.send_to_device_messages()
                    await self.settle_keys()
                    self.retry_undecrypted()
                    self.synced.set()
                    self.synced = asyncio.Event()
                else:
                    self.sync_error = str(response)
                    log.warning("sync failed: %s", response)
                    await asyncio.sleep(0.5)
            except asyncio.CancelledError:
                raise
            except Exception as err:  # noqa: BLE001 - keep syncing, say why
                self.sync_error = repr(err)
                log.warning("sync loop: %r", err)
                await asyncio.sleep(0.5)

    async def next_sync(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            await asyncio.wait_for(self.synced.wait(), timeout=min(remaining, 0.25))
        except asyncio.TimeoutError:
            pass

    async def wait_until(self, what: str, timeout_ms: int, check: Any) -> Any:
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() >= deadline:
                extra = f" (last sync error: {self.sync_error})" if self.sync_error else ""
                raise CommandError(f"timed out after {timeout_ms} ms waiting for {what}{extra}")
            await self.next_sync(deadline)

    # ---------------------------------------------------------------- commands

    async def login(self, user_id: str, password: str, device_name: str = "duban test (nio)") -> dict[str, Any]:
        if self.client is not None:
            raise CommandError("already logged in")
        os.makedirs(self.store, exist_ok=True)
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False)
        client = HarnessClient(self.homeserver, user_id, store_path=self.store, config=config)
        response = await client.login(password, device_name=device_name)
        if not isinstance(response, LoginResponse):
            await client.close()
            raise CommandError(f"login failed: {response}")
        self.client = client
        client.add_event_callback(self.on_event, Event)  # type: ignore[arg-type]
        # One sync and the key upload before answering, so that others can encrypt for this device.
        first = await client.sync(timeout=0, full_state=True)
        if not isinstance(first, SyncResponse):
            raise CommandError(f"first sync failed: {first}")
        await self.settle_keys()
        self.sync_task = asyncio.create_task(self.sync_loop())
        return {"user_id": client.user_id, "device_id": client.device_id, "ed25519": client.olm.account.identity_keys["ed25519"]}

    async def on_event(self, room: Any, event: Event) -> None:
        self.record(room.room_id, event)

    async def create_room(
        self, name: str, encrypted: bool = True, invite: list[str] | None = None, is_direct: bool = False, timeout_ms: int = 20000
    ) -> dict[str, Any]:
        client = self.need_client()
        initial_state = []
        if encrypted:
            initial_state.append({"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}})
        response = await client.room_create(
            name=None if is_direct else name,
            invite=invite or [],
            is_direct=is_direct,
            preset=RoomPreset.trusted_private_chat if is_direct else RoomPreset.private_chat,
            initial_state=initial_state,
        )
        if isinstance(response, RoomCreateError):
            raise CommandError(f"room_create failed: {response}")
        room_id = response.room_id
        await self.wait_until(f"room {room_id} in sync", timeout_ms, lambda: room_id in client.rooms)
        if is_direct and invite:
            # As Element does: the creator's m.direct account data names the room as a direct chat.
            path = Api._build_path(["user", client.user_id, "account_data", "m.direct"], {"access_token": client.access_token})
            body = Api.to_json({other: [room_id] for other in invite})
            answer = await client.send("PUT", path, body, headers={"Content-Type": "application/json"})
            if answer.status != 200:
                raise CommandError(f"setting m.direct failed: {answer.status} {await answer.text()}")
        return {"room_id": room_id}

    async def join(self, room_id: str, timeout_ms: int = 20000) -> dict[str, Any]:
        client = self.need_client()
        response = await client.join(room_id)
        if isinstance(response, JoinError):
            raise CommandError(f"join failed: {response}")
        await self.wait_until(f"joined room {room_id} in sync", timeout_ms, lambda: room_id in client.rooms)
        return {"room_id": room_id}

    async def wait_joined(self, room_id: str, user_id: str, timeout_ms: int = 30000) -> dict[str, Any]:
        client = self.need_client()

        def joined() -> bool:
            room = client.rooms.get(room_id)
            return bool(room and user_id in room.users and user_id not in room.invited_users)

        await self.wait_until(f"{user_id} to join {room_id}", timeout_ms, joined)
        return {}

    async def send(self, room_id: str, body: str, reply_to: str | None = None, msgtype: str = "m.text") -> dict[str, Any]:
        client = self.need_client()
        if room_id not in client.rooms:
            raise CommandError(f"not in room {room_id}")
        content: dict[str, Any] = {"msgtype": msgtype, "body": body}
        if reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        # Know every member's devices before the room key is shared (nio skips devices it has not queried).
        await self.settle_keys()
        response = await client.room_send(room_id, "m.room.message", content, ignore_unverified_devices=True)
        if not isinstance(response, RoomSendResponse):
            raise CommandError(f"room_send failed: {response}")
        return {"event_id": response.event_id, "encrypted": client.rooms[room_id].encrypted}

    def find_message(self, room_id: str, sender: str | None, contains: str | None, reply_to: str | None, after: str | None) -> Any:
        timeline = self.events.get(room_id, [])
        start = 0
        if after:
            ids = [e["event_id"] for e in timeline]
            start = ids.index(after) + 1 if after in ids else len(timeline)
        for entry in timeline[start:]:
            if entry["type"] != "m.room.message":
                continue
            if sender and entry["sender"] != sender:
                continue
            if contains and contains not in (entry["body"] or ""):
                continue
            if reply_to and (entry["relates_to"] or {}).get("m.in_reply_to", {}).get("event_id") != reply_to:
                continue
            return entry
        return None

    async def messages(self, room_id: str) -> list[dict[str, Any]]:
        return self.events.get(room_id, [])

    async def wait_message(
        self,
        room_id: str,
        sender: str | None = None,
        contains: str | None = None,
        reply_to: str | None = None,
        after: str | None = None,
        timeout_ms: int = 30000,
    ) -> dict[str, Any]:
        what = f"a message in {room_id} from {sender or 'anyone'}" + (f" containing {contains!r}" if contains else "")
        what += f" replying to {reply_to}" if reply_to else ""
        return await self.wait_until(what, timeout_ms, lambda: self.find_message(room_id, sender, contains, reply_to, after))

    async def wait_reaction(self, room_id: str, event_id: str, key: str, sender: str | None = None, timeout_ms: int = 30000) -> dict[str, Any]:
        def find() -> Any:
            for entry in self.events.get(room_id, []):
                rel = entry["relates_to"] or {}
                if entry["type"] == "m.reaction" and rel.get("event_id") == event_id and rel.get("key") == key:
                    if sender is None or entry["sender"] == sender:
                        return entry
            return None

        return await self.wait_until(f"reaction {key} on {event_id}", timeout_ms, find)

    async def devices(self, user_id: str) -> list[dict[str, Any]]:
        """The user's devices as this client knows them (after a key query): id, ed25519 key, deleted."""
        client = self.need_client()
        await self.settle_keys()
        return [
            {"device_id": d.id, "ed25519": d.ed25519, "deleted": d.deleted}
            for d in client.device_store.active_user_devices(user_id)
        ]

    async def hold_keys(self, room_id: str, user_id: str) -> dict[str, Any]:
        client = self.need_client()
        if room_id not in client.rooms:
            raise CommandError(f"not in room {room_id}")
        client.hold_for.setdefault(room_id, set()).add(user_id)
        # A new session, so that the next message needs a room key that was not sent before.
        client.olm.rotate_outbound_group_session(room_id)
        return {}

    async def release_keys(self, room_id: str) -> dict[str, Any]:
        client = self.need_client()
        if not client.held.get(room_id):
            raise CommandError(f"no room keys held back for {room_id}")
        return {"released": await client.release_held(room_id)}

    async def drop_keys(self, room_id: str) -> dict[str, Any]:
        client = self.need_client()
        dropped = len(client.held.pop(room_id, []))
        client.hold_for.pop(room_id, None)
        # The dropped key's session must not be used again: the next message starts a new one.
        client.olm.rotate_outbound_group_session(room_id)
        return {"dropped": dropped}

    async def close(self) -> dict[str, Any]:
        if self.sync_task:
            self.sync_task.cancel()
            try:
                await self.sync_task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        if self.client:
            await self.client.close()
        return {}


def describe(event: Event) -> dict[str, Any]:
    """The test's view of a timeline event: decrypted content when nio could decrypt it."""
    source = event.source if isinstance(event.source, dict) else {}
    content = source.get("content", {}) if isinstance(source.get("content"), dict) else {}
    encrypted_pending = isinstance(event, MegolmEvent)
    return {
        "event_id": event.event_id,
        "sender": event.sender,
        "type": "m.room.encrypted" if encrypted_pending else source.get("type"),
        "decrypted": bool(getattr(event, "decrypted", False)),
        "body": None if encrypted_pending else content.get("body"),
        "msgtype": None if encrypted_pending else content.get("msgtype"),
        "formatted_body": None if encrypted_pending else content.get("formatted_body"),
        "relates_to": content.get("m.relates_to"),
        "content": content,
    }


HANDLERS = {
    "login": Harness.login,
    "create_room": Harness.create_room,
    "join": Harness.join,
    "wait_joined": Harness.wait_joined,
    "send": Harness.send,
    "messages": Harness.messages,
    "wait_message": Harness.wait_message,
    "wait_reaction": Harness.wait_reaction,
    "devices": Harness.devices,
    "hold_keys": Harness.hold_keys,
    "release_keys": Harness.release_keys,
    "drop_keys": Harness.drop_keys,
    "close": Harness.close,
}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homeserver", required=True)
    parser.add_argument("--store", required=True)
    opts = parser.parse_args()
    harness = Harness(opts.homeserver, opts.store)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    out = sys.stdout
    tasks: set[asyncio.Task[None]] = set()
    closing = asyncio.Event()

    def reply(message: dict[str, Any]) -> None:
        out.write(json.dumps(message, ensure_ascii=False) + "\n")
        out.flush()

    async def run(request: dict[str, Any]) -> None:
        rid = request.get("id")
        cmd = request.get("cmd")
        try:
            handler = HANDLERS.get(cmd)  # type: ignore[arg-type]
            if handler is None:
                raise CommandError(f"unknown command {cmd!r}")
            result = await handler(harness, **(request.get("args") or {}))
            reply({"id": rid, "ok": True, "result": result})
        except CommandError as err:
            reply({"id": rid, "ok": False, "error": str(err)})
        except TypeError as err:
            reply({"id": rid, "ok": False, "error": f"bad arguments for {cmd}: {err}"})
        except Exception as err:  # noqa: BLE001 - every failure goes back to the test
            log.error("%s failed:\n%s", cmd, traceback.format_exc())
            reply({"id": rid, "ok": False, "error": f"{cmd} failed: {err!r}"})
        if cmd == "close":
            closing.set()

    while not closing.is_set():
        line_task = asyncio.ensure_future(reader.readline())
        close_task = asyncio.ensure_future(closing.wait())
        done, _ = await asyncio.wait({line_task, close_task}, return_when=asyncio.FIRST_COMPLETED)
        if close_task in done:
            line_task.cancel()
            break
        close_task.cancel()
        line = line_task.result()
        if not line:  # the test went away
            break
        try:
            request = json.loads(line)
        except json.JSONDecodeError as err:
            reply({"id": None, "ok": False, "error": f"not JSON: {err}"})
            continue
        task = asyncio.create_task(run(request))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if not closing.is_set():
        await harness.close()


if __name__ == "__main__":
    die_with_parent()
    logging.basicConfig(
        stream=sys.stderr, level=os.environ.get("NIO_CLIENT_LOG", "INFO"), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    logging.getLogger("peewee").setLevel(logging.WARNING)
    asyncio.run(main())
