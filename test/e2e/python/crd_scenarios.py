"""CustomObjectsApi of the official Python client against Kubeling: install the
ServiceMonitor CRD unchanged, wait for Established, create/get/list/patch/delete custom
objects. Prints one JSON line of what it saw."""
import json
import sys
import time

import yaml
from kubernetes import client, config
from kubernetes.client.rest import ApiException

kubeconfig, manifest = sys.argv[1], sys.argv[2]
config.load_kube_config(config_file=kubeconfig)
ext = client.ApiextensionsV1Api()
co = client.CustomObjectsApi()
out = {}

with open(manifest) as f:
    crd = yaml.safe_load(f)
ext.create_custom_resource_definition(body=crd)
for _ in range(200):
    got = ext.read_custom_resource_definition(crd["metadata"]["name"])
    conds = {c.type: c.status for c in (got.status.conditions or [])}
    if conds.get("Established") == "True":
        break
    time.sleep(0.05)
out["established"] = conds.get("Established")

G, V, P = "monitoring.coreos.com", "v1", "servicemonitors"
sm = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "web", "labels": {"team": "a"}},
    "spec": {"selector": {"matchLabels": {"app": "web"}}, "endpoints": [{"port": "http", "interval": "30s", "targetPort": 8080}]},
}
created = co.create_namespaced_custom_object(G, V, "default", P, sm)
out["created_uid"] = bool(created["metadata"].get("uid"))
out["get"] = co.get_namespaced_custom_object(G, V, "default", P, "web")["spec"]["endpoints"][0]
out["list"] = [i["metadata"]["name"] for i in co.list_namespaced_custom_object(G, V, "default", P, label_selector="team=a")["items"]]
patched = co.patch_namespaced_custom_object(G, V, "default", P, "web", {"spec": {"jobLabel": "app"}})
out["patched"] = patched["spec"].get("jobLabel")
try:
    bad = dict(sm, metadata={"name": "bad"}, spec={"selector": {}, "endpoints": [{"interval": "soon"}]})
    co.create_namespaced_custom_object(G, V, "default", P, bad)
    out["invalid"] = None
except ApiException as e:
    out["invalid"] = [e.status, json.loads(e.body)["message"]]
co.delete_namespaced_custom_object(G, V, "default", P, "web")
out["after_delete"] = [i["metadata"]["name"] for i in co.list_cluster_custom_object(G, V, P)["items"]]
print(json.dumps(out))
