"""Scenarios with the official Kubernetes Python client, run by python-client.test.ts.

Usage: python3 client_scenarios.py KUBECONFIG NAMESPACE
Prints one JSON object with what each scenario observed; the TypeScript test asserts.
The client sends Python's str(True) ("True") for booleans: watch=True, follow=True,
timestamps=True, which is what this file exists to exercise.
"""
import json
import sys
import threading
import time

from kubernetes import client, config, watch

kubeconfig, namespace = sys.argv[1], sys.argv[2]
config.load_kube_config(config_file=kubeconfig)
v1 = client.CoreV1Api()
out = {}


def pod(name):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "annotations": {"kubeling.io/log-interval": "200ms"}},
        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
    }


# 1. watch.Watch().stream must stream: the existing pod's ADDED, then a new pod's ADDED.
v1.create_namespaced_pod(namespace, pod("py-a"))
seen = []
w = watch.Watch()


def watcher():
    for ev in w.stream(v1.list_namespaced_pod, namespace, timeout_seconds=20):
        seen.append([ev["type"], ev["object"].metadata.name])
        if ev["object"].metadata.name == "py-b":
            w.stop()


t = threading.Thread(target=watcher, daemon=True)
t.start()
time.sleep(1)
v1.create_namespaced_pod(namespace, pod("py-b"))
t.join(25)
out["watch"] = seen

# 2. Wait for py-a to run (the scheduler and kubelet-sim are up), then follow its log.
deadline = time.time() + 30
while time.time() < deadline and v1.read_namespaced_pod("py-a", namespace).status.phase != "Running":
    time.sleep(0.2)
out["phase"] = v1.read_namespaced_pod("py-a", namespace).status.phase

resp = v1.read_namespaced_pod_log("py-a", namespace, follow=True, timestamps=True, _preload_content=False)
chunks = []
ended = [False]


def reader():
    try:
        for chunk in resp.stream(64):
            chunks.append(chunk.decode("utf-8", "replace"))
    except Exception:
        pass
    ended[0] = True


r = threading.Thread(target=reader, daemon=True)
r.start()
time.sleep(2)
out["follow_open_after_2s"] = not ended[0]
out["follow_text"] = "".join(chunks)
resp.close()

# 3. Without follow the log returns at once.
started = time.time()
plain = v1.read_namespaced_pod_log("py-a", namespace, timestamps=False)
out["plain_seconds"] = time.time() - started
out["plain_text"] = plain

print(json.dumps(out))
