/**
 * The contract between the simulated data path (network/, which decides where a simulated
 * request goes and what it costs) and the usage model (kubelet-sim, which turns served
 * requests into container CPU and memory). Neither imports the other: the component that
 * runs both (kubelet-sim) passes its usage model to the data path as these two interfaces.
 */

/** One simulated request that reached a container, with what it cost there. */
export interface ServedRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
  readonly container: string;
  /** CPU the request consumed in the container, in core-seconds (from the image's traffic model). */
  readonly cpuSeconds: number;
  /** Extra working-set memory held while the request is in flight, in bytes. */
  readonly memoryBytes: number;
  /** Wall-clock time of the request (the injected clock), in ms since the epoch. */
  readonly atMs: number;
}

/** Where the data path reports the requests it delivered. */
export interface TrafficSink {
  record(request: ServedRequest): void;
}

/** What the data path asks about a container before it answers. */
export interface ContainerLoad {
  /**
   * How much slower than its model's base latency the container answers right now: 1 when
   * it has CPU to spare, more when its CPU limit throttles it or its node is saturated.
   */
  latencyFactor(podUid: string, container: string): number;
}

/** A sink that drops everything and a load that never slows: for callers with no usage model. */
export const noTrafficSink: TrafficSink = { record() {} };
export const idleContainerLoad: ContainerLoad = { latencyFactor: () => 1 };
