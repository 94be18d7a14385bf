import type { CloudName } from '../model/cloud';
import type { Severity, Suppression } from '../engine/types';
import type { RuleSetting } from '../engine/run';

/** `kvguard.config.json` (DESIGN 2.5), validated by the published schema `schema/kvguard.config.schema.json`. */
export interface KvguardConfig {
  scope?: { subscriptions?: string[]; resourceGroups?: string[]; vaults?: string[] };
  cloud?: CloudName;
  caller?: {
    ips?: string[];
    subnet?: string;
    vnet?: string;
    trustedService?: boolean;
    identity?: { objectId?: string; tenantId?: string; appId?: string; groupIds?: string[] };
  };
  failOn?: Severity;
  /** Keyed by rule id (`KV205`) or name (`dns-a-record-ip`). */
  rules?: Record<string, RuleSetting>;
  suppressions?: Suppression[];
  /** Path of a baseline file, relative to the config file. */
  baseline?: string;
}
