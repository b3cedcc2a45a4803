import type { MessageTable } from '../descriptor.js';

/**
 * coordination.k8s.io/v1 Lease, discovery.k8s.io/v1 EndpointSlice, policy/v1
 * PodDisruptionBudget and Eviction, rbac.authorization.k8s.io/v1 roles and bindings
 * networking.k8s.io/v1 NetworkPolicy, Ingress and IngressClass, apiregistration.k8s.io/v1 APIService
 * (their generated.proto and types.go).
 */
export const otherGroupMessages: MessageTable = {
  Lease: ['1 metadata ObjectMeta', '2 spec LeaseSpec'],
  LeaseSpec: [
    '1 holderIdentity *string',
    '2 leaseDurationSeconds *int32',
    '3 acquireTime *MicroTime',
    '4 renewTime *MicroTime',
    '5 leaseTransitions *int32',
    '6 strategy *string',
    '7 preferredHolder *string',
  ],

  EndpointSlice: ['1 metadata ObjectMeta', '4 addressType string!', '2 endpoints []Endpoint!', '3 ports []DiscoveryEndpointPort'],
  Endpoint: [
    '1 addresses []string!',
    '2 conditions EndpointConditions',
    '3 hostname *string',
    '4 targetRef *ObjectReference',
    '5 deprecatedTopology {}string',
    '6 nodeName *string',
    '7 zone *string',
    '8 hints *EndpointHints',
  ],
  EndpointConditions: ['1 ready *bool', '2 serving *bool', '3 terminating *bool'],
  EndpointHints: ['1 forZones []ForZone', '2 forNodes []ForNode'],
  ForZone: ['1 name string!'],
  ForNode: ['1 name string!'],
  DiscoveryEndpointPort: ['1 name *string', '2 protocol *string', '3 port *int32', '4 appProtocol *string'],

  PodDisruptionBudget: ['1 metadata ObjectMeta', '2 spec PodDisruptionBudgetSpec', '3 status PodDisruptionBudgetStatus'],
  PodDisruptionBudgetSpec: [
    '1 minAvailable *IntOrString',
    '2 selector *LabelSelector',
    '3 maxUnavailable *IntOrString',
    '4 unhealthyPodEvictionPolicy *string',
  ],
  PodDisruptionBudgetStatus: [
    '1 observedGeneration int64',
    '2 disruptedPods {}Time',
    '3 disruptionsAllowed int32!',
    '4 currentHealthy int32!',
    '5 desiredHealthy int32!',
    '6 expectedPods int32!',
    '7 conditions []Condition',
  ],
  Eviction: ['1 metadata ObjectMeta', '2 deleteOptions *DeleteOptions'],

  Role: ['1 metadata ObjectMeta', '2 rules []PolicyRule!'],
  ClusterRole: ['1 metadata ObjectMeta', '2 rules []PolicyRule!', '3 aggregationRule *AggregationRule'],
  AggregationRule: ['1 clusterRoleSelectors []LabelSelector'],
  PolicyRule: [
    '1 verbs []string!',
    '2 apiGroups []string',
    '3 resources []string',
    '4 resourceNames []string',
    '5 nonResourceURLs []string',
  ],
  RoleBinding: ['1 metadata ObjectMeta', '2 subjects []Subject', '3 roleRef RoleRef!'],
  ClusterRoleBinding: ['1 metadata ObjectMeta', '2 subjects []Subject', '3 roleRef RoleRef!'],
  Subject: ['1 kind string!', '2 apiGroup string', '3 name string!', '4 namespace string'],
  RoleRef: ['1 apiGroup string!', '2 kind string!', '3 name string!'],

  NetworkPolicy: ['1 metadata ObjectMeta', '2 spec NetworkPolicySpec'],
  NetworkPolicySpec: ['1 podSelector LabelSelector', '2 ingress []NetworkPolicyIngressRule', '3 egress []NetworkPolicyEgressRule', '4 policyTypes []string'],
  NetworkPolicyIngressRule: ['1 ports []NetworkPolicyPort', '2 from []NetworkPolicyPeer'],
  NetworkPolicyEgressRule: ['1 ports []NetworkPolicyPort', '2 to []NetworkPolicyPeer'],
  NetworkPolicyPeer: ['1 podSelector *LabelSelector', '2 namespaceSelector *LabelSelector', '3 ipBlock *IPBlock'],
  IPBlock: ['1 cidr string!', '2 except []string'],
  NetworkPolicyPort: ['1 protocol *string', '2 port *IntOrString', '3 endPort *int32'],

  Ingress: ['1 metadata ObjectMeta', '2 spec IngressSpec', '3 status IngressStatus'],
  IngressSpec: ['4 ingressClassName *string', '1 defaultBackend *IngressBackend', '2 tls []IngressTLS', '3 rules []IngressRule'],
  IngressBackend: ['4 service *IngressServiceBackend', '3 resource *TypedLocalObjectReference'],
  IngressServiceBackend: ['1 name string!', '2 port ServiceBackendPort'],
  ServiceBackendPort: ['1 name string', '2 number int32'],
  TypedLocalObjectReference: ['1 apiGroup *string!', '2 kind string!', '3 name string!'],
  IngressTLS: ['1 hosts []string', '2 secretName string'],
  IngressRule: ['1 host string', '2 ingressRuleValue ...IngressRuleValue'],
  IngressRuleValue: ['1 http *HTTPIngressRuleValue'],
  HTTPIngressRuleValue: ['1 paths []HTTPIngressPath!'],
  HTTPIngressPath: ['1 path string', '3 pathType *string!', '2 backend IngressBackend'],
  IngressStatus: ['1 loadBalancer IngressLoadBalancerStatus'],
  IngressLoadBalancerStatus: ['1 ingress []IngressLoadBalancerIngress'],
  IngressLoadBalancerIngress: ['1 ip string', '2 hostname string', '4 ports []IngressPortStatus'],
  IngressPortStatus: ['1 port int32!', '2 protocol string!', '3 error *string'],
  IngressClass: ['1 metadata ObjectMeta', '2 spec IngressClassSpec'],
  IngressClassSpec: ['1 controller string', '2 parameters *IngressClassParametersReference'],
  IngressClassParametersReference: ['1 apiGroup *string', '2 kind string!', '3 name string!', '4 scope *string', '5 namespace *string'],

  APIService: ['1 metadata ObjectMeta', '2 spec APIServiceSpec', '3 status APIServiceStatus'],
  APIServiceSpec: [
    '1 service *APIServiceServiceReference',
    '2 group string',
    '3 version string',
    '4 insecureSkipTLSVerify bool',
    '5 caBundle bytes',
    '7 groupPriorityMinimum int32!',
    '8 versionPriority int32!',
  ],
  APIServiceServiceReference: ['1 namespace string', '2 name string', '3 port *int32'],
  APIServiceStatus: ['1 conditions []APIServiceCondition'],
  APIServiceCondition: ['1 type string!', '2 status string!', '3 lastTransitionTime Time', '4 reason string', '5 message string'],
};
