import { z } from 'zod';
import { intOrStringSchema, quantitySchema, resourceListSchema, timeSchema } from '../meta.js';

/**
 * core/v1 Container and the shapes it holds (ports, env, probes, resources, security
 * context), plus ContainerStatus. Loose where Kubernetes users rarely write a field, but
 * every field a user or our kubelet writes is declared so the schema does not strip it.
 */

export const containerPortSchema = z.object({
  name: z.string().optional(),
  hostPort: z.number().int().optional(),
  containerPort: z.number().int(),
  protocol: z.string().optional(),
  hostIP: z.string().optional(),
});
export type ContainerPort = z.infer<typeof containerPortSchema>;

const keySelector = z.object({
  name: z.string().optional(),
  key: z.string(),
  optional: z.boolean().optional(),
});

export const objectFieldSelectorSchema = z.object({
  apiVersion: z.string().optional(),
  fieldPath: z.string(),
});

export const resourceFieldSelectorSchema = z.object({
  containerName: z.string().optional(),
  resource: z.string(),
  divisor: quantitySchema.optional(),
});

export const envVarSchema = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      fieldRef: objectFieldSelectorSchema.optional(),
      resourceFieldRef: resourceFieldSelectorSchema.optional(),
      configMapKeyRef: keySelector.optional(),
      secretKeyRef: keySelector.optional(),
    })
    .optional(),
});
export type EnvVar = z.infer<typeof envVarSchema>;

const optionalRef = z.object({ name: z.string().optional(), optional: z.boolean().optional() });

export const envFromSourceSchema = z.object({
  prefix: z.string().optional(),
  configMapRef: optionalRef.optional(),
  secretRef: optionalRef.optional(),
});

export const resourceRequirementsSchema = z.object({
  limits: resourceListSchema.optional(),
  requests: resourceListSchema.optional(),
  claims: z.array(z.object({ name: z.string(), request: z.string().optional() })).optional(),
});
export type ResourceRequirements = z.infer<typeof resourceRequirementsSchema>;

export const volumeMountSchema = z.object({
  name: z.string(),
  readOnly: z.boolean().optional(),
  recursiveReadOnly: z.string().optional(),
  mountPath: z.string(),
  subPath: z.string().optional(),
  mountPropagation: z.string().optional(),
  subPathExpr: z.string().optional(),
});

const httpHeader = z.object({ name: z.string(), value: z.string() });

export const httpGetActionSchema = z.object({
  path: z.string().optional(),
  port: intOrStringSchema,
  host: z.string().optional(),
  scheme: z.string().optional(),
  httpHeaders: z.array(httpHeader).optional(),
});

const execAction = z.object({ command: z.array(z.string()).optional() });
const tcpSocketAction = z.object({ port: intOrStringSchema, host: z.string().optional() });
const grpcAction = z.object({ port: z.number().int(), service: z.string().optional() });

export const probeSchema = z.object({
  exec: execAction.optional(),
  httpGet: httpGetActionSchema.optional(),
  tcpSocket: tcpSocketAction.optional(),
  grpc: grpcAction.optional(),
  initialDelaySeconds: z.number().int().optional(),
  timeoutSeconds: z.number().int().optional(),
  periodSeconds: z.number().int().optional(),
  successThreshold: z.number().int().optional(),
  failureThreshold: z.number().int().optional(),
  terminationGracePeriodSeconds: z.number().int().optional(),
});
export type Probe = z.infer<typeof probeSchema>;

const lifecycleHandler = z.object({
  exec: execAction.optional(),
  httpGet: httpGetActionSchema.optional(),
  tcpSocket: tcpSocketAction.optional(),
  sleep: z.object({ seconds: z.number().int() }).optional(),
});

export const lifecycleSchema = z.object({
  postStart: lifecycleHandler.optional(),
  preStop: lifecycleHandler.optional(),
  stopSignal: z.string().optional(),
});

export const seLinuxOptionsSchema = z.object({
  user: z.string().optional(),
  role: z.string().optional(),
  type: z.string().optional(),
  level: z.string().optional(),
});

export const seccompProfileSchema = z.object({
  type: z.string(),
  localhostProfile: z.string().optional(),
});

export const windowsSecurityContextOptionsSchema = z.object({
  gmsaCredentialSpecName: z.string().optional(),
  gmsaCredentialSpec: z.string().optional(),
  runAsUserName: z.string().optional(),
  hostProcess: z.boolean().optional(),
});

export const securityContextSchema = z.object({
  capabilities: z.object({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() }).optional(),
  privileged: z.boolean().optional(),
  seLinuxOptions: seLinuxOptionsSchema.optional(),
  windowsOptions: windowsSecurityContextOptionsSchema.optional(),
  runAsUser: z.number().int().optional(),
  runAsGroup: z.number().int().optional(),
  runAsNonRoot: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  procMount: z.string().optional(),
  seccompProfile: seccompProfileSchema.optional(),
  appArmorProfile: seccompProfileSchema.optional(),
});

export const containerSchema = z.object({
  name: z.string(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  ports: z.array(containerPortSchema).optional(),
  envFrom: z.array(envFromSourceSchema).optional(),
  env: z.array(envVarSchema).optional(),
  resources: resourceRequirementsSchema.optional(),
  resizePolicy: z.array(z.object({ resourceName: z.string(), restartPolicy: z.string() })).optional(),
  /** Only for init containers: "Always" makes a sidecar. */
  restartPolicy: z.string().optional(),
  volumeMounts: z.array(volumeMountSchema).optional(),
  volumeDevices: z.array(z.object({ name: z.string(), devicePath: z.string() })).optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  lifecycle: lifecycleSchema.optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.string().optional(),
  imagePullPolicy: z.string().optional(),
  securityContext: securityContextSchema.optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
  /** Only for ephemeral containers. */
  targetContainerName: z.string().optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const containerStateSchema = z.object({
  waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.object({ startedAt: timeSchema }).optional(),
  terminated: z
    .object({
      exitCode: z.number().int(),
      signal: z.number().int().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: timeSchema,
      finishedAt: timeSchema,
      containerID: z.string().optional(),
    })
    .optional(),
});
export type ContainerState = z.infer<typeof containerStateSchema>;

export const containerStatusSchema = z.object({
  name: z.string(),
  state: containerStateSchema.optional(),
  lastState: containerStateSchema.optional(),
  ready: z.boolean().optional(),
  restartCount: z.number().int().optional(),
  image: z.string().optional(),
  imageID: z.string().optional(),
  containerID: z.string().optional(),
  started: z.boolean().optional(),
  allocatedResources: resourceListSchema.optional(),
  resources: resourceRequirementsSchema.optional(),
  volumeMounts: z
    .array(
      z.object({
        name: z.string(),
        mountPath: z.string(),
        readOnly: z.boolean().optional(),
        recursiveReadOnly: z.string().optional(),
      }),
    )
    .optional(),
  user: z.object({ linux: z.object({ uid: z.number().int(), gid: z.number().int(), supplementalGroups: z.array(z.number().int()).optional() }).optional() }).optional(),
  allocatedResourcesStatus: z.array(z.object({ name: z.string(), resources: z.array(z.object({ resourceID: z.string(), health: z.string().optional() })).optional() })).optional(),
  stopSignal: z.string().optional(),
});
export type ContainerStatus = z.infer<typeof containerStatusSchema>;
