import * as fs from 'node:fs';
import type { Command } from 'commander';
import ipaddr from 'ipaddr.js';
import type { KvguardConfig } from '../config/types';
import { CallerProfile, DEFAULT_CALLER } from '../model/caller';
import { UsageError } from '../errors';
import { repeatable } from './repeatable';

/**
 * The caller profile (DESIGN 2.2) from `--caller-*` flags over the config file's `caller`: a flag replaces
 * the config's value for that field. Every value is checked here, so a typo is one line, not a silent
 * "default caller" audit.
 */
export interface CallerFlags {
  callerIp?: string[];
  callerSubnet?: string;
  callerVnet?: string;
  trustedService?: boolean;
  /** A JWT, or `@FILE` holding one: decoded locally by the token rules, never sent anywhere. */
  callerToken?: string;
  /** The caller identity for KV404 (object id of the user, group or service principal). */
  callerObjectId?: string;
  callerAppId?: string;
  callerTenantId?: string;
  /** Group object ids the caller belongs to: group membership is not visible through ARM. */
  callerGroup?: string[];
}

/** The `--caller-*` options of the commands that audit (audit, baseline). */
export function addCallerOptions(command: Command): Command {
  return command
    .option('--caller-ip <ip>', 'public IPv4 address the caller comes from (repeat, or a comma list)', repeatable, [])
    .option('--caller-subnet <id>', "ARM id of the caller's subnet")
    .option('--caller-vnet <id>', "ARM id of the caller's VNet (read live even in a subscription not audited)")
    .option('--trusted-service', 'the caller is a trusted Microsoft service')
    .option('--caller-token <jwt>', "the caller's access token, or @FILE holding it (decoded locally, never sent)")
    .option('--caller-object-id <guid>', 'object id of the calling user, group or service principal (KV404)')
    .option(
      '--caller-app-id <guid>',
      'application (client) id of the caller, for access policies bound to an app (KV404)',
    )
    .option('--caller-tenant-id <guid>', "the caller's tenant id (KV404)")
    .option(
      '--caller-group <guid>',
      'a group the caller belongs to: ARM cannot show membership (repeat, or a comma list)',
      repeatable,
      [],
    );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Identity flags over the config's `caller.identity`, field by field; every value must be a GUID. */
function identityOf(flags: CallerFlags, config: KvguardConfig['caller']): CallerProfile['identity'] {
  const identity = { ...(config?.identity ?? {}) };
  const guid = (value: string, flag: string): string => {
    if (!GUID.test(value.trim()))
      throw new UsageError(
        `${flag}: expected an object id (GUID) such as 00000000-0000-0000-0000-000000000000, found ${JSON.stringify(value)}`,
      );
    return value.trim().toLowerCase();
  };
  if (flags.callerObjectId !== undefined) identity.objectId = guid(flags.callerObjectId, '--caller-object-id');
  if (flags.callerAppId !== undefined) identity.appId = guid(flags.callerAppId, '--caller-app-id');
  if (flags.callerTenantId !== undefined) identity.tenantId = guid(flags.callerTenantId, '--caller-tenant-id');
  if (flags.callerGroup && flags.callerGroup.length > 0) {
    identity.groupIds = flags.callerGroup.flatMap((g) => g.split(',')).map((g) => guid(g, '--caller-group'));
  }
  return Object.keys(identity).length > 0 ? identity : undefined;
}

const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
const VNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i;

export function callerProfile(
  flags: CallerFlags,
  config: KvguardConfig['caller'] = {},
  configLabel = 'config',
): CallerProfile {
  const fromFlags = flags.callerSubnet !== undefined || flags.callerVnet !== undefined;
  const label = (flag: string, field: string): string => (fromFlags ? flag : `${configLabel}: /caller/${field}`);
  const ips =
    flags.callerIp && flags.callerIp.length > 0
      ? parseIps(flags.callerIp, '--caller-ip')
      : parseIps(config.ips ?? [], `${configLabel}: /caller/ips`);
  const subnetValue = fromFlags ? flags.callerSubnet : config.subnet;
  const vnetValue = fromFlags ? flags.callerVnet : config.vnet;
  const subnetId =
    subnetValue === undefined
      ? undefined
      : parseArmId(
          subnetValue,
          SUBNET_ID,
          label('--caller-subnet', 'subnet'),
          'a subnet id /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}',
        );
  let vnetId =
    vnetValue === undefined
      ? undefined
      : parseArmId(
          vnetValue,
          VNET_ID,
          label('--caller-vnet', 'vnet'),
          'a VNet id /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}',
        );
  if (subnetId) {
    const subnetVnet = subnetId.replace(/\/subnets\/[^/]+$/i, '');
    if (vnetId && subnetVnet.toLowerCase() !== vnetId.toLowerCase()) {
      throw new UsageError(
        `${label('--caller-subnet', 'subnet')}: expected a subnet of ${vnetId}, found one of ${subnetVnet}`,
      );
    }
    vnetId = vnetId ?? subnetVnet;
  }
  const profile: CallerProfile = {
    ...DEFAULT_CALLER,
    ips,
    trustedService: Boolean(flags.trustedService || config.trustedService),
  };
  if (subnetId) profile.subnetId = subnetId;
  if (vnetId) profile.vnetId = vnetId;
  const identity = identityOf(flags, config);
  if (identity) profile.identity = identity;
  if (flags.callerToken !== undefined) profile.token = readToken(flags.callerToken);
  return profile;
}

/** IPv4 addresses, repeated or as a comma list (`--caller-ip 1.2.3.4,5.6.7.8`), duplicates dropped. */
export function parseIps(values: readonly string[], label: string): string[] {
  const ips: string[] = [];
  for (const raw of values.flatMap((v) => v.split(','))) {
    const value = raw.trim();
    if (value === '') throw new UsageError(`${label}: expected an IPv4 address, found an empty value`);
    if (ipaddr.IPv4.isValidFourPartDecimal(value)) {
      if (!ips.includes(value)) ips.push(value);
      continue;
    }
    // Key Vault's firewall takes IPv4 rules only: https://learn.microsoft.com/azure/key-vault/general/network-security
    if (ipaddr.IPv6.isValid(value))
      throw new UsageError(
        `${label}: expected an IPv4 address, found the IPv6 address ${value} (the Key Vault firewall matches IPv4 only)`,
      );
    if (ipaddr.IPv4.isValidCIDR(value))
      throw new UsageError(
        `${label}: expected an IPv4 address, found the range ${value} (give the address the caller's requests come from)`,
      );
    throw new UsageError(`${label}: expected an IPv4 address such as 203.0.113.10, found ${JSON.stringify(value)}`);
  }
  return ips;
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** `--caller-token eyJ...` or `--caller-token @token.txt` (keeps the token out of shell history). */
export function readToken(value: string): string {
  let token = value;
  if (value.startsWith('@')) {
    const file = value.slice(1);
    try {
      token = fs.readFileSync(file, 'utf8');
    } catch (thrown) {
      throw new UsageError(
        `--caller-token ${value}: cannot read file (${(thrown as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  token = token.trim().replace(/^Bearer\s+/i, '');
  // Never echo the value: it is a credential.
  if (!JWT.test(token))
    throw new UsageError('--caller-token: expected a JWT (header.payload.signature, base64url) or @FILE holding one');
  return token;
}

function parseArmId(value: string, pattern: RegExp, label: string, expected: string): string {
  const id = value.trim().replace(/\/+$/, '');
  if (!pattern.test(id)) throw new UsageError(`${label}: expected ${expected}, found ${JSON.stringify(value)}`);
  return id;
}
