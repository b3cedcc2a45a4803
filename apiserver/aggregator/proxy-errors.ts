/**
 * What the aggregator answers when it cannot forward, as kube-aggregator's proxy handler
 * does: plain text 503 "service unavailable" (kubectl prints "the server is currently
 * unable to handle the request"), whatever the cause — the APIService not Available, its
 * Service gone, the backend refusing the connection or timing out.
 */

export interface ProxyFailure {
  code: number;
  body: string;
}

export type ProxyProblem =
  | { kind: 'unavailable' }
  | { kind: 'unresolved'; message: string }
  | { kind: 'dial'; code?: string; message: string };

export function proxyFailure(problem: ProxyProblem): ProxyFailure {
  switch (problem.kind) {
    case 'unavailable':
    case 'unresolved':
      return { code: 503, body: 'service unavailable\n' };
    case 'dial':
      // kube's responder writes the transport error with 503.
      return { code: 503, body: `Error trying to reach service: '${problem.message}'\n` };
  }
}
