"""Checks an installed mqtt-ws-bridge end to end, for scripts/package-test.sh: waits for
/healthz to say 200 (broker link up and subscribed), connects a WebSocket client to
/ws/<filter>, publishes one message with mosquitto_pub and expects it as the msg object
the installed config asks for (send = "msg").

    bridge_check.py WS_PORT MQTT_PORT TOPIC
Exit 0 when the message arrived as expected; otherwise one line saying what was seen."""

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compose"))
from ws_client import WsClient  # noqa: E402

DEADLINE_S = 60


def wait_healthy(ws_port):
    deadline = time.monotonic() + DEADLINE_S
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ws_port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
                last = f"HTTP {r.status}"
        except OSError as e:  # refused while starting, 503 while the link is down
            last = str(e)
        time.sleep(0.2)  # polling for readiness, bounded by the deadline
    sys.exit(f"bridge_check: /healthz not 200 within {DEADLINE_S} s (last: {last})")


def main():
    ws_port, mqtt_port, topic = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    wait_healthy(ws_port)
    path = "/ws/" + urllib.parse.quote(topic.split("/")[0] + "/#", safe="/")
    client = WsClient("127.0.0.1", ws_port, path=path)
    payload = {"installed": True, "n": 1}
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(mqtt_port), "-q", "1",
                    "-t", topic, "-m", json.dumps(payload)], check=True, timeout=30)
    try:
        text = client.recv_text(timeout=20)
    except TimeoutError:
        sys.exit(f"bridge_check: nothing arrived on {path} within 20 s of publishing {topic}")
    client.close()
    msg = json.loads(text)
    if msg.get("topic") != topic or msg.get("payload") != payload:
        sys.exit(f"bridge_check: expected a msg for {topic} with {payload}, got {text}")
    print(f"bridge_check: {topic} arrived as a msg object")


if __name__ == "__main__":
    main()
