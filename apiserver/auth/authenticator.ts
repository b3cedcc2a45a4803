/** Who made a request, as Kubernetes' user.Info. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  /** kube's user.Info Extra (ServiceAccount tokens: pod name and uid, credential id). */
  extra?: Record<string, string[]>;
}

export interface RequestHeaders {
  [name: string]: string | string[] | undefined;
}

/**
 * Decides who a request comes from. Returns null for an unauthenticated (anonymous)
 * request; the apiserver then answers 401 except on health and version endpoints.
 */
export type Authenticator = (headers: RequestHeaders) => UserInfo | null;
