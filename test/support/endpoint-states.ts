import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, healthyPath, modify } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';

/** The healthy path with its private endpoint and the vault's connection to it rebuilt from specs (KV101, KV102). */
export const path = healthyPath();
export const vaultConnectionId = `${path.ids.vault}/privateEndpointConnections/pe-kv-payments-prod-conn0`;
/** The healthy path's endpoint as a spec, to vary one field. */
export const base = {
  subscriptionId: SPOKE_SUB,
  resourceGroup: 'rg-payments',
  name: 'pe-kv-payments-prod',
  subnetId: path.ids.spokeSubnet,
  targetId: path.ids.vault,
  ipAddress: path.endpointIp,
};

/** The vault rebuilt with one connection spec (or none). */
export const vaultWith = (resources: ArmResource[], connection?: arm.ConnectionSpec) =>
  modify(resources, path.ids.vault, () =>
    arm.vault({
      subscriptionId: SPOKE_SUB,
      resourceGroup: 'rg-payments',
      name: 'kv-payments-prod',
      connections: connection ? [connection] : [],
    }),
  );

/** The path with the vault's connection and the endpoint rebuilt from specs (no connection: the vault lists none). */
export const withStates = (connection: arm.ConnectionSpec | undefined, endpoint: Partial<arm.PrivateEndpointSpec>) =>
  modify(
    vaultWith(path.resources, connection),
    path.ids.endpoint,
    () => arm.privateEndpoint({ ...base, ...endpoint }).endpoint,
  );
