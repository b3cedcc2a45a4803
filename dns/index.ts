/** The cluster DNS's pure API: what the simulated shell, the request path and the server share. */
export type { DnsRecord, LookupResult, QType, Rcode, SoaData, SrvData } from './types.js';
export { memoryDnsView, SERVICE_NAME_LABEL } from './view.js';
export type { DnsEndpoint, DnsEndpointSlice, DnsPod, DnsService, DnsView, MemoryDnsViewInput } from './view.js';
export { DEFAULT_CLUSTER_DOMAIN, DEFAULT_TTL, type ZoneOptions } from './zone.js';
export { lookup } from './lookup.js';
export { addressFromReverse, reverseName } from './reverse.js';
export { ndotsOf, parseResolvConf, renderResolvConf, resolvConfFor } from './resolv-conf.js';
export type { PodForDns, ResolvConf, ResolvConfOptions } from './resolv-conf.js';
export { resolveAddresses, resolveNameFor, resolveWithSearch } from './search.js';
export type { SearchAttempt, SearchOptions, SearchResult } from './search.js';
export { busyboxNslookup, formatNslookupReply, nslookupQueries } from './format-nslookup.js';
export type { CommandOutput, NslookupOptions } from './format-nslookup.js';
export { formatDig, recordLine } from './format-dig.js';
export type { DigOptions } from './format-dig.js';
export { clusterResolver, digCommand, nslookupCommand } from './commands.js';
export type { CommandOptions } from './commands.js';
export { storeDnsView, SLICES_BY_SERVICE_INDEX, sliceServiceIndex } from './store-view.js';
