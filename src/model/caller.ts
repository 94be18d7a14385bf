/**
 * Who is trying to reach the vault (DESIGN 2.2). When nothing is given, the caller is "a client in the
 * private endpoint's own VNet".
 */
export interface CallerIdentity {
  objectId?: string;
  tenantId?: string;
  appId?: string;
  /** Group membership is not visible through ARM: the user supplies it. */
  groupIds?: string[];
}

export interface CallerProfile {
  /** Public (or NATed) IPv4 addresses the caller's requests come from. */
  ips: string[];
  /** ARM id of the caller's subnet. */
  subnetId?: string;
  /** ARM id of the caller's VNet (derived from `subnetId` when only that is given). */
  vnetId?: string;
  /** The caller is a trusted Microsoft service (https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints#trusted-services). */
  trustedService: boolean;
  identity?: CallerIdentity;
  /** A JWT, decoded locally, never sent anywhere. */
  token?: string;
}

export const DEFAULT_CALLER: CallerProfile = Object.freeze({ ips: [], trustedService: false });

/** True when the user said nothing about where the caller is. */
export function isDefaultCaller(caller: CallerProfile): boolean {
  return caller.ips.length === 0 && !caller.subnetId && !caller.vnetId && !caller.trustedService;
}
