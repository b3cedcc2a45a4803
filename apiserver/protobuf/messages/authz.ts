import type { MessageTable } from '../descriptor.js';

/**
 * authorization.k8s.io/v1 access reviews and authentication.k8s.io SelfSubjectReview
 * (their generated.proto and types.go): kubectl 1.28+ sends `auth can-i` reviews as
 * protobuf. `extra` maps are left out (kubectl never sends them).
 */
export const authzMessages: MessageTable = {
  SelfSubjectAccessReview: ['1 metadata ObjectMeta', '2 spec SelfSubjectAccessReviewSpec', '3 status SubjectAccessReviewStatus'],
  SelfSubjectAccessReviewSpec: ['1 resourceAttributes *ResourceAttributes', '2 nonResourceAttributes *NonResourceAttributes'],
  SubjectAccessReview: ['1 metadata ObjectMeta', '2 spec SubjectAccessReviewSpec', '3 status SubjectAccessReviewStatus'],
  LocalSubjectAccessReview: ['1 metadata ObjectMeta', '2 spec SubjectAccessReviewSpec', '3 status SubjectAccessReviewStatus'],
  SubjectAccessReviewSpec: [
    '1 resourceAttributes *ResourceAttributes',
    '2 nonResourceAttributes *NonResourceAttributes',
    '3 user string',
    '4 groups []string',
    '6 uid string',
  ],
  ResourceAttributes: ['1 namespace string', '2 verb string', '3 group string', '4 version string', '5 resource string', '6 subresource string', '7 name string'],
  NonResourceAttributes: ['1 path string', '2 verb string'],
  SubjectAccessReviewStatus: ['1 allowed bool!', '4 denied bool', '2 reason string', '3 evaluationError string'],
  SelfSubjectRulesReview: ['1 metadata ObjectMeta', '2 spec SelfSubjectRulesReviewSpec', '3 status SubjectRulesReviewStatus'],
  SelfSubjectRulesReviewSpec: ['1 namespace string'],
  SubjectRulesReviewStatus: ['1 resourceRules []ResourceRule!', '2 nonResourceRules []NonResourceRule!', '3 incomplete bool!', '4 evaluationError string'],
  ResourceRule: ['1 verbs []string!', '2 apiGroups []string', '3 resources []string', '4 resourceNames []string'],
  NonResourceRule: ['1 verbs []string!', '2 nonResourceURLs []string'],
  SelfSubjectReview: ['1 metadata ObjectMeta', '2 status SelfSubjectReviewStatus'],
  SelfSubjectReviewStatus: ['1 userInfo AuthnUserInfo'],
  AuthnUserInfo: ['1 username string', '2 uid string', '3 groups []string'],
  // authentication.k8s.io/v1 TokenRequest (`kubectl create token` sends it as protobuf) and TokenReview.
  TokenRequest: ['1 metadata ObjectMeta', '2 spec TokenRequestSpec!', '3 status TokenRequestStatus'],
  TokenRequestSpec: ['1 audiences []string!', '4 expirationSeconds *int64!', '3 boundObjectRef *BoundObjectReference!'],
  BoundObjectReference: ['1 kind string', '2 apiVersion string', '3 name string', '4 uid string'],
  TokenRequestStatus: ['1 token string!', '2 expirationTimestamp Time!'],
  TokenReview: ['1 metadata ObjectMeta', '2 spec TokenReviewSpec!', '3 status TokenReviewStatus'],
  TokenReviewSpec: ['1 token string', '2 audiences []string'],
  TokenReviewStatus: ['1 authenticated bool', '2 user AuthnUserInfo', '4 audiences []string', '3 error string'],
  // certificates.k8s.io/v1 (`kubectl certificate approve` writes the approval subresource as protobuf).
  CertificateSigningRequest: ['1 metadata ObjectMeta', '2 spec CertificateSigningRequestSpec!', '3 status CertificateSigningRequestStatus'],
  CertificateSigningRequestSpec: ['1 request bytes!', '7 signerName string!', '8 expirationSeconds *int32', '5 usages []string', '2 username string', '3 uid string', '4 groups []string'],
  CertificateSigningRequestStatus: ['1 conditions []CertificateSigningRequestCondition', '2 certificate bytes'],
  CertificateSigningRequestCondition: ['1 type string!', '6 status string!', '2 reason string', '3 message string', '4 lastUpdateTime Time', '5 lastTransitionTime Time'],

  // scheduling.k8s.io/v1 and node.k8s.io/v1 (kept here with the other kinds this branch added).
  PriorityClass: ['1 metadata ObjectMeta', '2 value int32!', '3 globalDefault bool', '4 description string', '5 preemptionPolicy *string'],
  RuntimeClass: ['1 metadata ObjectMeta', '2 handler string!', '3 overhead *RuntimeClassOverhead', '4 scheduling *RuntimeClassScheduling'],
  RuntimeClassOverhead: ['1 podFixed {}Quantity'],
  RuntimeClassScheduling: ['1 nodeSelector {}string', '2 tolerations []Toleration'],
};
