import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arm from '../../../src/fixtures/arm-factory';
import { healthyPath, SPOKE_SUB } from '../../../src/fixtures/scenario';
import type { ArmResource } from '../../../src/model/arm';

/**
 * The probe's test estate: the healthy hub-and-spoke path of kv-payments-prod (private endpoint 10.1.1.4,
 * public network access Disabled), plus vaults on the public endpoint for the data-plane cases:
 * kv-firewalled (firewall Deny, no rule for loopback), kv-open (firewall admits 127.0.0.1) and kv-moved
 * (the emulator serves it from another tenant than the snapshot says).
 */
export const OTHER_TENANT = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
export const ENDPOINT_IP = '10.1.1.4';

export function probeEstate(): { emulatorSeed: ArmResource[]; snapshot: ArmResource[] } {
  const path = healthyPath();
  const publicVault = (name: string, ipRules: string[], tenantId?: string): ArmResource =>
    arm.vault({
      subscriptionId: SPOKE_SUB,
      resourceGroup: 'rg-payments',
      name,
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules },
      ...(tenantId ? { tenantId } : {}),
    });
  const shared = [
    ...path.resources,
    publicVault('kv-firewalled', ['203.0.113.0/24']),
    publicVault('kv-open', ['127.0.0.1']),
  ];
  return {
    emulatorSeed: [...shared, publicVault('kv-moved', [], OTHER_TENANT)],
    snapshot: [...shared, publicVault('kv-moved', [])],
  };
}

export function writeJson(value: unknown): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-probe-'));
  const file = path.join(directory, 'estate.json');
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}
