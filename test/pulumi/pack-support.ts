import * as path from 'node:path';
import type { StackRun } from '../../src/pulumi/deploy';
import example from '../../policy-pack/config.example.json';
import type { Diagnostic, PackConfig } from './harness/engine-client';

export const PACK_DIR = path.resolve(__dirname, '../../policy-pack');
export const PROJECT = 'kvguard-stacks';
/** README's config: `pulumi preview --policy-pack ../policy-pack --policy-pack-config ../policy-pack/config.example.json`. */
export const readmeConfig = example as PackConfig;

/** README's config plus what the stack's file says to pass (stacks/README.md). */
export function stackConfig(run: Pick<StackRun, 'config'>): PackConfig {
  const config: PackConfig = { ...readmeConfig };
  if (run.config['kvguard-stacks:dnsManagedElsewhere'] === 'true')
    config['private-dns-zone-group'] = { dnsManagedElsewhere: true };
  const ip = run.config['kvguard-stacks:auditCallerIp'];
  if (ip) config['firewall-allows-caller'] = { enforcementLevel: 'mandatory', caller: { ips: [ip] } };
  return config;
}

/** `policy level pulumi-name: message` (the message without the description line the pack puts first). */
export function line(d: Diagnostic): string {
  const [, ...message] = d.message.split('\n');
  return `${d.policy} ${d.level} ${d.urn.split('::').pop() ?? ''}: ${message.join(' / ')}`;
}
