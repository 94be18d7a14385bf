import type { ArmResource } from '../src/model/arm';
import * as arm from '../src/fixtures/arm-factory';
import { HUB_SUB, VAULT_ZONE, hub } from '../src/fixtures/scenario';

/**
 * A hub-and-spoke estate of N vaults over S spoke subscriptions, for the benchmark and its smoke test.
 * The private DNS zones and the hub VNet live in a hub subscription (scenario.ts's hub()); each spoke
 * subscription holds application resource groups, each with one spoke VNet (peered to the hub) shared by
 * up to `vaultsPerVnet` vaults. Every resource is built with src/fixtures/arm-factory.ts, in the shapes
 * of Microsoft's examples.
 *
 * The mix is deterministic (a hash of the vault's index, so N=100 is a prefix-like sample of N=10,000)
 * and close to what an audit of a large tenant finds: most paths healthy, and a few percent each of the
 * usual breakages (kvguard's rule in brackets):
 *   public vault without endpoint (KV101 skip, KV302 fail) · pending manual connection (KV102) ·
 *   no DNS zone group and a stale hand-kept A record (KV104, KV205) · no A record (KV104, KV204) ·
 *   public access left on beside the endpoint (KV303) · no diagnostic setting (KV503) ·
 *   purge protection off (KV502) · a managed HSM whose zone group names a zone that does not exist (KV202) ·
 *   and one spoke VNet in 25 not linked to the zone (KV203 for all its vaults).
 * Realistic limits are kept: at most 1,000 VNet links per zone (1 VNet per 20 vaults), one /22 per spoke.
 */
export interface EstateSpec {
  vaults: number;
  subscriptions: number;
  /** Vaults that share one spoke VNet and resource group (default 20). */
  vaultsPerVnet?: number;
}

export interface GeneratedEstate {
  resources: ArmResource[];
  /** The spoke subscriptions, then the hub subscription. */
  subscriptions: string[];
  hubSubscription: string;
  hubZoneId: string;
  /** Vaults by variant, for the benchmark's report. */
  mix: Record<Variant, number>;
}

export type Variant =
  | 'healthy'
  | 'public-no-endpoint'
  | 'pending-connection'
  | 'stale-record-no-group'
  | 'missing-record'
  | 'public-access-on'
  | 'no-diagnostics'
  | 'no-purge-protection'
  | 'managed-hsm-no-zone';

/** Variants with their share in per-mille, the rest healthy. */
const BROKEN: readonly [Variant, number][] = [
  ['public-no-endpoint', 50],
  ['pending-connection', 30],
  ['stale-record-no-group', 30],
  ['missing-record', 30],
  ['public-access-on', 30],
  ['no-diagnostics', 40],
  ['no-purge-protection', 30],
  ['managed-hsm-no-zone', 10],
];

/** Spoke subscription i (1-based) as a GUID. */
export function spokeSubscription(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `5b0c0000-0000-4000-8000-${hex}`;
}

/** FNV-1a of a number's decimal form: an even spread in [0, 1000). */
function perMille(index: number): number {
  let hash = 0x811c9dc5;
  for (const c of `vault-${index}`) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193);
  return (hash >>> 0) % 1000;
}

export function variantOf(index: number): Variant {
  let draw = perMille(index);
  for (const [variant, share] of BROKEN) {
    if (draw < share) return variant;
    draw -= share;
  }
  return 'healthy';
}

export function generateEstate(spec: EstateSpec): GeneratedEstate {
  if (!Number.isInteger(spec.vaults) || spec.vaults < 1)
    throw new Error(`vaults must be a positive integer, got ${spec.vaults}`);
  if (!Number.isInteger(spec.subscriptions) || spec.subscriptions < 1)
    throw new Error(`subscriptions must be a positive integer, got ${spec.subscriptions}`);
  const perVnet = spec.vaultsPerVnet ?? 20;
  const hubPart = hub(HUB_SUB, 'rg-hub-dns');
  const resources: ArmResource[] = [...hubPart.resources];
  const subscriptions = Array.from({ length: spec.subscriptions }, (_, i) => spokeSubscription(i + 1));
  const mix = Object.fromEntries([['healthy', 0], ...BROKEN.map(([v]) => [v, 0])]) as Record<Variant, number>;
  // Vault i goes to subscription i mod S; within a subscription, consecutive vaults share a VNet.
  const perSubscription = subscriptions.map(() => 0);
  let vnetCount = 0;
  const spokes = new Map<string, Spoke>();
  for (let i = 0; i < spec.vaults; i++) {
    const s = i % spec.subscriptions;
    const local = perSubscription[s] ?? 0;
    perSubscription[s] = local + 1;
    const key = `${s}/${Math.floor(local / perVnet)}`;
    let spoke = spokes.get(key);
    if (!spoke) {
      spoke = newSpoke(
        subscriptions[s] ?? '',
        Math.floor(local / perVnet),
        vnetCount++,
        hubPart.hubVnetId,
        hubPart.zoneId,
      );
      spokes.set(key, spoke);
      for (const r of spoke.resources) resources.push(r);
    }
    const variant = variantOf(i);
    mix[variant] += 1;
    for (const r of vaultPath(i, variant, spoke, hubPart.zoneId)) resources.push(r);
  }
  return {
    resources,
    subscriptions: [...subscriptions, HUB_SUB],
    hubSubscription: HUB_SUB,
    hubZoneId: hubPart.zoneId,
    mix,
  };
}

interface Spoke {
  subscriptionId: string;
  resourceGroup: string;
  vnetId: string;
  endpointSubnetId: string;
  /** 10.A.B: the endpoint subnet's first three octets. */
  prefix: string;
  nextHost: number;
  resources: ArmResource[];
}

function newSpoke(
  subscriptionId: string,
  localIndex: number,
  globalIndex: number,
  hubVnetId: string,
  zoneId: string,
): Spoke {
  const resourceGroup = `rg-app-${String(localIndex).padStart(3, '0')}`;
  const name = `vnet-spoke-${String(localIndex).padStart(3, '0')}`;
  // One /22 per spoke: 10.(1 + g / 64).((g % 64) * 4).0/22, endpoints in the first /24.
  const a = 1 + Math.floor(globalIndex / 64);
  const b = (globalIndex % 64) * 4;
  if (a > 254) throw new Error('too many spoke VNets for 10.0.0.0/8: raise vaultsPerVnet');
  const vnet = arm.virtualNetwork({
    subscriptionId,
    resourceGroup,
    name,
    addressPrefixes: [`10.${a}.${b}.0/22`],
    subnets: [
      { name: 'snet-private-endpoints', addressPrefix: `10.${a}.${b}.0/24` },
      { name: 'snet-workload', addressPrefix: `10.${a}.${b + 1}.0/24` },
    ],
    peerings: [{ name: 'to-hub', remoteVirtualNetworkId: hubVnetId }],
  });
  const resources = [vnet];
  // One spoke VNet in 25 was never linked to the zone: every vault behind it fails KV203.
  if (globalIndex % 25 !== 24)
    resources.push(arm.virtualNetworkLink(zoneId, `link-${subscriptionId.slice(-4)}-${name}`, vnet.id));
  return {
    subscriptionId,
    resourceGroup,
    vnetId: vnet.id,
    endpointSubnetId: arm.subnetId(vnet.id, 'snet-private-endpoints'),
    prefix: `10.${a}.${b}`,
    nextHost: 4,
    resources,
  };
}

function vaultPath(index: number, variant: Variant, spoke: Spoke, zoneId: string): ArmResource[] {
  const name = vaultName(index);
  const { subscriptionId, resourceGroup } = spoke;
  if (variant === 'public-no-endpoint') {
    return [
      arm.vault({
        subscriptionId,
        resourceGroup,
        name,
        publicNetworkAccess: 'Enabled',
        networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' },
      }),
      arm.diagnosticSetting(arm.vaultId(subscriptionId, resourceGroup, name), 'audit-to-law', [
        { categoryGroup: 'audit' },
      ]),
    ];
  }
  const ip = `${spoke.prefix}.${spoke.nextHost++}`;
  const isHsm = variant === 'managed-hsm-no-zone';
  const targetId = isHsm
    ? `${arm.rgId(subscriptionId, resourceGroup)}/providers/Microsoft.KeyVault/managedHSMs/${name}`
    : arm.vaultId(subscriptionId, resourceGroup, name);
  const manual = variant === 'pending-connection';
  const pe = arm.privateEndpoint({
    subscriptionId,
    resourceGroup,
    name: `pe-${name}`,
    subnetId: spoke.endpointSubnetId,
    targetId,
    ipAddress: ip,
    manual,
    groupId: isHsm ? 'managedhsm' : 'vault',
  });
  const connection = {
    privateEndpointId: pe.endpoint.id,
    ...(manual ? { status: 'Pending', description: 'Please approve' } : {}),
  };
  const target = isHsm
    ? arm.managedHsm({ subscriptionId, resourceGroup, name, connections: [connection] })
    : arm.vault({
        subscriptionId,
        resourceGroup,
        name,
        connections: [connection],
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
        publicNetworkAccess: variant === 'public-access-on' ? 'Enabled' : 'Disabled',
        enablePurgeProtection: variant !== 'no-purge-protection',
      });
  const out = [target, pe.endpoint, pe.nic];
  if (variant !== 'no-diagnostics')
    out.push(arm.diagnosticSetting(targetId, 'audit-to-law', [{ categoryGroup: 'audit' }]));
  if (isHsm) {
    // Its zone group names privatelink.managedhsm.azure.net in its own (collected) subscription, where no such
    // zone exists: evidence of a missing zone, so KV202 fails (a zone merely absent could be in a hub: error).
    const missingZone = `${arm.rgId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/privateDnsZones/privatelink.managedhsm.azure.net`;
    out.push(
      arm.privateDnsZoneGroup(pe.endpoint.id, 'default', [
        { zoneId: missingZone, recordSetName: name, ipAddresses: [ip] },
      ]),
    );
    return out;
  }
  if (variant === 'stale-record-no-group') {
    // Recreated endpoint, record kept by hand: it still points at the old NIC's address.
    out.push(arm.aRecordSet(zoneId, name, [`${spoke.prefix}.250`]));
  } else if (variant !== 'missing-record') {
    out.push(
      arm.privateDnsZoneGroup(pe.endpoint.id, 'default', [{ zoneId, recordSetName: name, ipAddresses: [ip] }]),
      arm.aRecordSet(zoneId, name, [ip]),
    );
  }
  return out;
}

const APPS = [
  'payments',
  'orders',
  'billing',
  'identity',
  'search',
  'catalog',
  'ledger',
  'reports',
  'gateway',
  'crm',
  'hr',
  'risk',
  'fraud',
  'pricing',
  'shipping',
  'media',
];

/**
 * Globally unique vault names (3-24 characters) as teams pick them: an application, then a short hash
 * (sequential numbers would make every name a one-letter typo of its neighbours, which no estate has).
 */
export function vaultName(index: number): string {
  let hash = 0x811c9dc5;
  for (const c of `name-${index}`) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193);
  const app = APPS[index % APPS.length] ?? 'app';
  return `kv-${app}-${(hash >>> 0).toString(36).padStart(7, '0')}`.slice(0, 24);
}

/** The zone every vault of the estate resolves through. */
export const ESTATE_ZONE = VAULT_ZONE;
