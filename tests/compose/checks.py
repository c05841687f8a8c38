#!/usr/bin/env python3
"""Checks against the composed stack (docker-compose.yml + tests/compose/host-network.yml),
run by scripts/compose-test.sh once `docker-compose up -d` has returned.

Real clients only: the host's mosquitto_pub/mosquitto_sub (authenticated as the user
'app') on 127.0.0.1:MQTT_PORT and the stdlib WebSocket client in ws_client.py on
127.0.0.1:WS_PORT. Every wait is a poll or a blocking read bounded by a deadline.
Prints one PASS/FAIL line per check and 'N passed, N failed' at the end.

Env: COMPOSE_CMD (the docker-compose command line with -p and -f), COMPOSE_PROJECT,
MQTT_APP_PASSWORD, MQTT_PORT (1883), WS_PORT (8080), and the MWB_* settings the stack was
started with (MWB_INSTANCE_ID)."""

import http.client
import json
import os
import select
import shlex
import subprocess
import sys
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ws_client import WsClient, WsClosed  # noqa: E402

HOST = "127.0.0.1"
MQTT_PORT = int(os.environ.get("MQTT_PORT", "1883"))
WS_PORT = int(os.environ.get("WS_PORT", "8080"))
APP_USER = "app"
APP_PASSWORD = os.environ["MQTT_APP_PASSWORD"]
COMPOSE = shlex.split(os.environ["COMPOSE_CMD"])
PROJECT = os.environ["COMPOSE_PROJECT"]
INSTANCE_ID = os.environ.get("MWB_INSTANCE_ID", "demo")
SUBPROTOCOL = "mqtt-ws-bridge.v1"
README_PAYLOAD = '{"celsius": 21.5}'


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def run(args, timeout, env=None):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    return proc


def wait_for(what, predicate, timeout, interval=0.25):
    """Poll predicate() until it returns a truthy value; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, CheckFailed, http.client.HTTPException) as e:
            last = e
        if time.monotonic() >= deadline:
            raise CheckFailed(f"timed out after {timeout:.0f}s waiting for {what}"
                              + (f" (last error: {last})" if last else ""))
        time.sleep(interval)  # polling interval inside a deadline-bounded loop


# ------------------------------------------------------------------ MQTT (host clients)

def mqtt_pub(topic, payload, session=None, retain=False, user=APP_USER, password=APP_PASSWORD,
             check=True):
    args = ["mosquitto_pub", "-h", HOST, "-p", str(MQTT_PORT), "-V", "mqttv5", "-q", "1",
            "-t", topic, "-m", payload]
    if user is not None:
        args += ["-u", user]
    if password is not None:
        args += ["-P", password]
    if session is not None:
        args += ["-D", "publish", "user-property", "session", session]
    if retain:
        args.append("-r")
    proc = run(args, timeout=20)
    if check and proc.returncode != 0:
        raise CheckFailed(f"mosquitto_pub to {topic} failed ({proc.returncode}): "
                          f"{proc.stderr.strip()}")
    return proc


class MqttSub:
    """mosquitto_sub on some filters; ready() returns once it provably receives."""

    def __init__(self, filters):
        self.probe = f"compose/probe/{os.urandom(6).hex()}"
        args = ["mosquitto_sub", "-h", HOST, "-p", str(MQTT_PORT), "-V", "mqttv5", "-q", "1",
                "-u", APP_USER, "-P", APP_PASSWORD, "-F", r"%t\t%P\t%p"]
        for f in list(filters) + [self.probe]:
            args += ["-t", f]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""
        self.ready()

    def _line(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            readable, _, _ = select.select([self.proc.stdout], [], [], remaining)
            if not readable:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                err = self.proc.stderr.read().decode(errors="replace").strip()
                raise CheckFailed(f"mosquitto_sub exited ({self.proc.wait()}): {err}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")

    def ready(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mqtt_pub(self.probe, "probe")
            line = self._line(1.0)
            while line is not None:
                if line.startswith(self.probe + "\t"):
                    return
                line = self._line(0.2)
        raise CheckFailed("mosquitto_sub never received its probe message")

    def next(self, timeout=10):
        """The next message that is not a probe: (topic, [user properties], payload)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._line(max(0.0, deadline - time.monotonic()))
            if line is None:
                raise CheckFailed(f"no MQTT message within {timeout}s")
            topic, props, payload = line.split("\t", 2)
            if topic != self.probe:
                return topic, props.split(" ") if props else [], payload

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


# ------------------------------------------------------------------ HTTP, WebSocket, Docker

def http_get(path, timeout=5):
    conn = http.client.HTTPConnection(HOST, WS_PORT, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def bridge_healthy():
    status, body = http_get("/healthz")
    if status != 200:
        return False
    health = json.loads(body)
    return health.get("status") == "ok" and health.get("mqtt") == "connected"


def ws(path="/ws", subprotocol=None):
    return WsClient(HOST, WS_PORT, path, subprotocol=subprotocol)


def recv_json(client, timeout=10, skip_status=True):
    while True:
        frame = json.loads(client.recv_text(timeout))
        if not (skip_status and frame.get("type") == "status"):
            return frame


def docker(*args, timeout=60):
    proc = run(["docker", *args], timeout=timeout)
    if proc.returncode != 0:
        raise CheckFailed(f"docker {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def compose(*args, timeout=300, extra_env=None):
    env = dict(os.environ, **(extra_env or {}))
    proc = run(COMPOSE + list(args), timeout=timeout, env=env)
    if proc.returncode != 0:
        raise CheckFailed(f"docker-compose {' '.join(args)} failed: {proc.stderr.strip()[-2000:]}")
    return proc.stdout


def container_id(service):
    cid = compose("ps", "-q", service, timeout=60).strip()
    expect(cid, f"no container for service {service}")
    return cid


def health_of(service):
    return docker("inspect", "-f", "{{.State.Health.Status}}", container_id(service)).strip()


# ------------------------------------------------------------------ the checks

def check_stack_healthy_on_host_network():
    wait_for("GET /healthz to answer 200 connected", bridge_healthy, 90)
    for service in ("mosquitto", "bridge"):
        wait_for(f"docker to report {service} healthy", lambda s=service: health_of(s) == "healthy", 90)
        mode = docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", container_id(service)).strip()
        expect(mode == "host", f"{service} runs with network mode {mode!r}, not host")
    networks = docker("network", "ls", "-q", "--filter", f"label=com.docker.compose.project={PROJECT}")
    expect(not networks.strip(), f"the project created networks: {networks.split()}")
    user = docker("inspect", "-f", "{{.Config.User}}", container_id("bridge")).strip()
    expect(user and not user.startswith("root") and not user.startswith("0"),
           f"the bridge container runs as {user!r}")


def check_broker_requires_authentication():
    anonymous = mqtt_pub("compose/auth", "x", user=None, password=None, check=False)
    expect(anonymous.returncode != 0, "an anonymous publish was accepted")
    wrong = mqtt_pub("compose/auth", "x", password="not-the-password", check=False)
    expect(wrong.returncode != 0, "a publish with a wrong password was accepted")


def check_plain_delivery():
    # The README's example: a client on /ws/<filter> gets the payload as it was published.
    by_path = ws("/ws/sensors/%23")
    by_query = ws("/ws?topic=sensors/%23")
    try:
        expect(by_path.session and by_query.session, "no X-Session-Id in the handshake response")
        mqtt_pub("sensors/kitchen/temp", README_PAYLOAD)
        for client in (by_path, by_query):
            got = client.recv_text()
            expect(got == README_PAYLOAD, f"received {got!r}, want {README_PAYLOAD!r}")
    finally:
        by_path.close()
        by_query.close()


def check_targeted_delivery():
    one, two = ws("/ws?topic=compose/target"), ws("/ws?topic=compose/target")
    no_topic = ws("/ws")
    try:
        mqtt_pub("compose/target", "for-one", session=one.session)
        got = one.recv_text()
        expect(got == "for-one", f"the targeted session received {got!r}")
        # Per-client order follows the broker's: if 'two' got 'for-one', it comes first.
        mqtt_pub("compose/target", "marker")
        got = two.recv_text()
        expect(got == "marker", f"another session received {got!r} before the broadcast marker")
        got = one.recv_text()
        expect(got == "marker", f"the targeted session then received {got!r}, want the marker")
        # A session with no subscription still gets what targets it, on any topic.
        mqtt_pub("compose/elsewhere", "just-for-you", session=no_topic.session)
        got = no_topic.recv_text()
        expect(got == "just-for-you", f"a session with no topic received {got!r}")
    finally:
        for client in (one, two, no_topic):
            client.close()


def check_client_publish_reaches_mqtt():
    sub = MqttSub(["mqtt-ws-bridge/in/#"])
    client = ws("/ws")
    try:
        client.send_text("hello from a plain client")
        topic, props, payload = sub.next()
        expect(topic == f"mqtt-ws-bridge/in/{client.session}", f"published to {topic!r}")
        expect(payload == "hello from a plain client", f"payload {payload!r}")
        expect(f"session:{client.session}" in props, f"user properties {props}")
    finally:
        client.close()
        sub.close()


def check_request_response():
    # docs/deployment.md's request/response example, in protocol mode.
    sub = MqttSub(["app/requests"])
    asker = ws("/ws", SUBPROTOCOL)
    bystander = ws("/ws?topic=compose/marker", SUBPROTOCOL)
    try:
        expect(asker.subprotocol == SUBPROTOCOL, f"subprotocol {asker.subprotocol!r}")
        welcome = recv_json(asker)
        expect(welcome == {"type": "welcome", "session": asker.session}, f"welcome {welcome}")
        expect(recv_json(bystander).get("type") == "welcome", "no welcome for the bystander")

        asker.send_text(json.dumps({"op": "publish", "id": 1, "topic": "app/requests",
                                    "payload": "hello", "correlationData": "req-1"}))
        frames = [recv_json(asker), recv_json(asker)]  # the ack and the sender's echo
        acks = [f for f in frames if f.get("type") == "ack"]
        echoes = [f for f in frames if f.get("type") == "message"]
        expect(acks == [{"type": "ack", "id": 1}], f"frames after publish: {frames}")
        expect(len(echoes) == 1 and echoes[0].get("topic") == "app/requests", f"frames: {frames}")
        reply_topic = echoes[0].get("responseTopic")
        expect(reply_topic == f"mqtt-ws-bridge/reply/{INSTANCE_ID}/{asker.session}",
               f"responseTopic {reply_topic!r}")
        expect(echoes[0].get("correlationData") == "req-1", f"echo {echoes[0]}")

        topic, props, payload = sub.next()
        expect((topic, payload) == ("app/requests", "hello"), f"backend got {topic} {payload!r}")
        expect(f"session:{asker.session}" in props, f"backend saw user properties {props}")

        mqtt_pub(reply_topic, "you said hello")  # the backend's answer
        answer = recv_json(asker)
        expect(answer.get("type") == "message" and answer.get("payload") == "you said hello",
               f"the asker received {answer}")
        mqtt_pub("compose/marker", "marker")
        got = recv_json(bystander)
        expect(got.get("topic") == "compose/marker", f"the bystander received {got} first")
    finally:
        for c in (asker, bystander):
            c.close()
        sub.close()


def check_broker_restart():
    plain = ws("/ws/sensors/%23")
    watcher = ws("/ws", SUBPROTOCOL)  # sees the bridge's status frames
    try:
        expect(recv_json(watcher).get("type") == "welcome", "no welcome")
        mqtt_pub("compose/retained/state", "kept", retain=True)

        compose("restart", "mosquitto", timeout=180)
        seen = []
        deadline = time.monotonic() + 90
        while seen[-1:] != ["connected"] or "disconnected" not in seen:
            frame = recv_json(watcher, timeout=max(0.1, deadline - time.monotonic()),
                              skip_status=False)
            if frame.get("type") == "status":
                seen.append(frame.get("mqtt"))
        wait_for("GET /healthz to answer 200 after the restart", bridge_healthy, 60)

        mqtt_pub("sensors/after-restart", '{"n": 2}')
        got = plain.recv_text(15)
        expect(got == '{"n": 2}', f"after the restart the client received {got!r}")

        # Persistence: the broker kept the retained message across the restart.
        proc = run(["mosquitto_sub", "-h", HOST, "-p", str(MQTT_PORT), "-V", "mqttv5",
                    "-u", APP_USER, "-P", APP_PASSWORD, "-t", "compose/retained/state",
                    "-C", "1", "-W", "10"], timeout=20)
        expect(proc.stdout.strip() == "kept", f"retained after restart: {proc.stdout!r} "
                                              f"{proc.stderr.strip()}")
        mqtt_pub("compose/retained/state", "", retain=True)  # clear it
        wait_for("docker to report mosquitto healthy again",
                 lambda: health_of("mosquitto") == "healthy", 90)
    except WsClosed as e:
        raise CheckFailed(f"a WebSocket client was closed across the broker restart: {e}")
    finally:
        plain.close()
        watcher.close()


def check_msg_mode():
    # The same stack with MWB_SEND=msg (as a user would set it in .env): compose recreates
    # the bridge; plain clients then receive the whole msg as JSON.
    old = container_id("bridge")
    compose("up", "-d", "bridge", timeout=300, extra_env={"MWB_SEND": "msg"})
    new = container_id("bridge")
    expect(new != old, "the bridge container was not recreated")
    env = docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", new).split("\n")
    expect("MWB_SEND=msg" in env, "MWB_SEND=msg did not reach the container")
    wait_for("GET /healthz to answer 200 in msg mode", bridge_healthy, 90)
    client = ws("/ws?topic=sensors/%23")
    try:
        mqtt_pub("sensors/kitchen/temp", README_PAYLOAD)
        msg = json.loads(client.recv_text())
        expect(msg.get("topic") == "sensors/kitchen/temp", f"msg {msg}")
        expect(msg.get("payload") == {"celsius": 21.5}, f"msg {msg}")
        expect(msg.get("retain") is False and "qos" in msg and msg.get("_msgid"), f"msg {msg}")
        expect("_session" not in msg, f"msg {msg}")
    finally:
        client.close()


def check_web_console():
    # Installed into the image by `cmake --install`, found at its default --console-dir.
    status, body = http_get("/")
    expect(status == 200 and "<title>mqtt-ws-bridge console</title>" in body,
           f"GET / answered {status}: {body[:200]!r}")
    status, body = http_get("/client.js")
    expect(status == 200 and "export class BridgeClient" in body,
           f"GET /client.js answered {status}: {body[:200]!r}")


CHECKS = [
    ("stack healthy, host network only, non-root bridge", check_stack_healthy_on_host_network),
    ("broker requires authentication", check_broker_requires_authentication),
    ("plain mode: MQTT publish reaches WebSocket clients", check_plain_delivery),
    ("targeted message reaches only its session", check_targeted_delivery),
    ("client frame is published to MQTT with its session", check_client_publish_reaches_mqtt),
    ("protocol mode request/response reaches only the asker", check_request_response),
    ("broker restart: clients stay, delivery resumes, retained kept", check_broker_restart),
    ("msg mode (MWB_SEND=msg): whole msg as JSON", check_msg_mode),
    ("web console served from the installed files", check_web_console),
]


def main():
    passed = failed = 0
    for name, check in CHECKS:
        started = time.monotonic()
        try:
            check()
        except CheckFailed as e:
            failed += 1
            print(f"FAIL {name}: {e}", flush=True)
        except Exception as e:  # a crash in a check is a failure, not the end of the run
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc()
        else:
            passed += 1
            print(f"PASS {name} ({time.monotonic() - started:.1f}s)", flush=True)
    print(f"compose: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
