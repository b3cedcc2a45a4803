/**
 * The tabs the playground opens with. Each runs as is against a fresh `kubeling up`
 * (the default namespace, the simulated nodes); the test of the playground runs the first.
 */
export interface ExampleTab {
  query: string;
  variables?: string;
}

export const EXAMPLE_TABS: ExampleTab[] = [
  {
    query: `# Which nodes run each Deployment's pods, with their IPs, the node's allocation
# and the latest events: one query, where REST needs a request per object.
# Try: kubectl create deployment web --image=nginx --replicas=3
query DeploymentsToNodes {
  deployments(namespace: "default") {
    items {
      metadata { name }
      spec { replicas }
      status { readyReplicas }
      pods {
        metadata { name }
        status { phase podIP }
        node { metadata { name } allocated }
        events(limit: 3) { reason message }
      }
    }
  }
}
`,
  },
  {
    query: `# The pods of the default namespace with the node each runs on and its IP.
# Try: kubectl create deployment web --image=nginx --replicas=3
query PodsAndNodes {
  pods(namespace: "default") {
    metadata { resourceVersion }
    items {
      metadata { name labels }
      spec { nodeName containers { name image } }
      status { phase podIP hostIP }
    }
  }
  nodes {
    items { metadata { name } spec { podCIDR } status { addresses { type address } } }
  }
}
`,
  },
  {
    query: `# Changes to pods as they happen (a WebSocket subscription): scale a Deployment
# with kubectl in a terminal and watch the events arrive.
subscription WatchPods {
  watchPods(namespace: "default") {
    type
    object { metadata { name } spec { nodeName } status { phase podIP } }
  }
}
`,
  },
  {
    query: `# Scale a Deployment with a merge patch (create it first:
# kubectl create deployment web --image=nginx).
mutation ScaleWeb {
  patchDeployment(namespace: "default", name: "web", patch: { spec: { replicas: 5 } }) {
    metadata { name generation }
    spec { replicas }
  }
}
`,
  },
];
