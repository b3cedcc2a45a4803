import type { MessageTable } from '../descriptor.js';

/**
 * core/v1 LimitRange and ResourceQuota (api/core/v1/generated.proto): kubectl create
 * quota sends its ResourceQuota as protobuf.
 */
export const corePolicyMessages: MessageTable = {
  LimitRange: ['1 metadata ObjectMeta', '2 spec LimitRangeSpec'],
  LimitRangeSpec: ['1 limits []LimitRangeItem'],
  LimitRangeItem: [
    '1 type string',
    '2 max {}Quantity',
    '3 min {}Quantity',
    '4 default {}Quantity',
    '5 defaultRequest {}Quantity',
    '6 maxLimitRequestRatio {}Quantity',
  ],
  ResourceQuota: ['1 metadata ObjectMeta', '2 spec ResourceQuotaSpec', '3 status ResourceQuotaStatus'],
  ResourceQuotaSpec: ['1 hard {}Quantity', '2 scopes []string', '3 scopeSelector *ScopeSelector'],
  ScopeSelector: ['1 matchExpressions []ScopedResourceSelectorRequirement'],
  ScopedResourceSelectorRequirement: ['1 scopeName string', '2 operator string', '3 values []string'],
  ResourceQuotaStatus: ['1 hard {}Quantity', '2 used {}Quantity'],
};
