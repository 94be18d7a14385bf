import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { policyKind } from '../../src/pulumi/policies';
import { STACK_SUBSCRIPTION, type StackRun } from '../../src/pulumi/deploy';
import example from '../../policy-pack/config.example.json';
import type { Diagnostic, PackConfig } from './harness/engine-client';

export const PACK_DIR = path.resolve(__dirname, '../../policy-pack');
export const PROJECT = 'kvguard-stacks';
/** README's config: `pulumi preview --policy-pack ../policy-pack --policy-pack-config ../policy-pack/config.example.json`. */
export const readmeConfig = example as PackConfig;

/** README's config plus what the stack's file says to pass (stacks/README.md). */
export function stackConfig(run: Pick<StackRun, 'config' | 'outputs'>): PackConfig {
  const config: PackConfig = { ...readmeConfig };
  if (run.config['kvguard-stacks:dnsManagedElsewhere'] === 'true')
    config['private-dns-zone-group'] = { dnsManagedElsewhere: true };
  const ip = run.config['kvguard-stacks:auditCallerIp'];
  if (ip) config['firewall-allows-caller'] = { enforcementLevel: 'mandatory', caller: { ips: [ip] } };
  const subnetId = auditCallerSubnetId(run);
  // The caller sits in another spoke (hub-firewall stacks): every stack policy judges the path from there.
  if (subnetId)
    for (const rule of RULES.filter((r) => policyKind(r) === 'stack')) {
      const given = config[rule.meta.name] ?? readmeConfig.all;
      const base = typeof given === 'string' ? { enforcementLevel: given } : { ...(given as object) };
      // `subscriptionId`: a first preview has no ARM id to take it from (README: the pack's config).
      config[rule.meta.name] = { ...base, subscriptionId: STACK_SUBSCRIPTION, caller: { subnetId } };
    }
  return config;
}

/** The subnet a stack says to audit from (its `auditCallerSubnetId` output), when it names one. */
export function auditCallerSubnetId(run: Pick<StackRun, 'outputs'>): string | undefined {
  const value = run.outputs.auditCallerSubnetId;
  return typeof value === 'string' ? value : undefined;
}

/** `policy level pulumi-name: message` (the message without the description line the pack puts first). */
export function line(d: Diagnostic): string {
  const [, ...message] = d.message.split('\n');
  return `${d.policy} ${d.level} ${d.urn.split('::').pop() ?? ''}: ${message.join(' / ')}`;
}
