"""A tiny blocking WebSocket client (RFC 6455) on the standard library, for the compose
checks: the opening handshake, masked client frames, unmasked server frames (with
fragmentation, ping/pong and close). Enough to talk to mqtt-ws-bridge; not a general
client (no TLS, no extensions)."""

import base64
import hashlib
import os
import socket
import struct
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class WsError(Exception):
    pass


class WsClosed(WsError):
    def __init__(self, code, reason):
        super().__init__(f"closed by the server: {code} {reason!r}")
        self.code = code
        self.reason = reason


class WsClient:
    """connect() does the handshake; .session is the X-Session-Id response header."""

    def __init__(self, host, port, path="/ws", subprotocol=None, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if subprotocol:
            lines.append(f"Sec-WebSocket-Protocol: {subprotocol}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status, *header_lines = head.decode("latin-1").split("\r\n")
        self.headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        if not status.startswith("HTTP/1.1 101"):
            raise WsError(f"handshake refused: {status}")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if self.headers.get("sec-websocket-accept") != accept:
            raise WsError("bad Sec-WebSocket-Accept")
        self.session = self.headers.get("x-session-id")
        self.subprotocol = self.headers.get("sec-websocket-protocol")

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data from the server in time")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no data from the server in time") from None
        if not chunk:
            raise WsError("connection closed without a close frame")
        self.buf += chunk

    def _take(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text):
        self._send_frame(OP_TEXT, text.encode())

    def recv(self, timeout=10.0):
        """The next data message as (opcode, bytes); answers pings; raises WsClosed on a
        close frame and TimeoutError when nothing arrives in time."""
        deadline = time.monotonic() + timeout
        message_opcode, parts = None, []
        while True:
            b0, b1 = self._take(2, deadline)
            fin, opcode, masked, n = b0 & 0x80, b0 & 0x0F, b1 & 0x80, b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", self._take(2, deadline))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._take(8, deadline))
            if masked:
                raise WsError("the server sent a masked frame")
            payload = self._take(n, deadline)
            if opcode == OP_PING:
                self._send_frame(OP_PONG, payload)
            elif opcode == OP_PONG:
                pass
            elif opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise WsClosed(code, payload[2:].decode(errors="replace"))
            else:
                if opcode != OP_CONT:
                    message_opcode = opcode
                parts.append(payload)
                if fin:
                    return message_opcode, b"".join(parts)

    def recv_text(self, timeout=10.0):
        opcode, data = self.recv(timeout)
        if opcode != OP_TEXT:
            raise WsError(f"expected a text frame, got opcode {opcode}")
        return data.decode()

    def close(self):
        try:
            self._send_frame(OP_CLOSE, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()
