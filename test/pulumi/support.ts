import type { RunningEmulator } from '../../src/emulator';
import { withEmulator } from '../collect/live-support';
import { STACK_SUBSCRIPTION, credentialToken, deployStack, type StackRun } from '../../src/pulumi/deploy';
import type { ArmResource } from '../../src/model/arm';

/**
 * What each stack is built to break (stacks/Pulumi.<stack>.yaml), as the CLI's examples do: the rules in
 * KV1xx-KV3xx that fail, nothing else. The caller is the default one (a client in the endpoint's VNet)
 * unless the stack names `kvguard-stacks:auditCallerIp` or outputs `auditCallerSubnetId` (the hub-firewall
 * stacks: a caller in the app spoke, routed through the hub's firewall).
 */
export const EXPECTED_FAILS: Record<string, string[]> = {
  healthy: [],
  'pending-approval': ['KV102'],
  'wrong-zone-name': ['KV104', 'KV201'],
  'zone-not-linked': ['KV203'],
  'missing-a-record': ['KV204'],
  'stale-a-record': ['KV205'],
  'firewall-blocks-caller': ['KV301'],
  'public-access-enabled': ['KV302', 'KV303'],
  'hub-firewall': [],
  'hub-firewall-no-forwarding': ['KV301'],
  'ruleset-resolved-spoke': [],
  'ruleset-rule-disabled': ['KV203'],
};

export const STACKS = Object.keys(EXPECTED_FAILS);

/** The subscription the offline stacks deploy into: the emulator must know it (ARM refuses a PUT into an unknown one). */
export const SUBSCRIPTION_SEED: ArmResource[] = [
  { id: `/subscriptions/${STACK_SUBSCRIPTION}`, name: STACK_SUBSCRIPTION, type: 'Microsoft.Resources/subscriptions' },
];

/** A fresh emulator with this process's managed identity pointed at it; the environment is restored afterwards. */
export function withFreshEmulator<T>(run: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  return withEmulator(SUBSCRIPTION_SEED, {}, run);
}

export function deployInto(emulator: RunningEmulator, stack: string): Promise<StackRun> {
  return deployStack(stack, { endpoint: emulator.endpoint, caCertPem: emulator.caCertPem, token: credentialToken() });
}
