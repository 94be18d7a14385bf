import { ARM_TYPES } from '../model/arm-types';
import type { JsonValue } from '../model/arm';
import { CLOUDS } from '../model/cloud';
import { UNKNOWN, UNSEEN } from '../model/planned';
import type { BlockView } from './attributes';
import { compact } from './attributes';
import { isKnown, known, type PlanContext } from './context';
import type { TerraformInstance } from './document';
import { appendTo, isCreated, mapBlocks, mapList, resource, single, type Mapper } from './mapper';

const VAULT = ARM_TYPES.vault;

/**
 * azurerm_key_vault → Microsoft.KeyVault/vaults (ARM shape: Microsoft's getVault example, VaultProperties in
 * @azure/arm-keyvault). Soft delete is on for every vault: it can no longer be turned off
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-change), and azurerm 3+ has no switch for it.
 */
export const keyVault: Mapper = {
  id: (instance, context) => context.resourceId(instance, VAULT),
  map(instance, context, id) {
    const a = context.attributes(instance);
    const name = known(a.get('name'));
    const acls = a.blocks('network_acls');
    const firstAcl = acls === UNKNOWN ? UNKNOWN : acls[0];
    const purge = a.bool('purge_protection_enabled');
    const publicAccess = a.bool('public_network_access_enabled');
    const properties = compact({
      tenantId: a.get('tenant_id'),
      sku: { family: 'A', name: a.get('sku_name') ?? UNKNOWN },
      // The data-plane URI follows from the name and the cloud (https://{name}.vault.azure.net/), known or not.
      vaultUri: known(a.get('vault_uri')) ?? (name ? `https://${name}.${CLOUDS[context.cloud].vaultSuffix}/` : UNKNOWN),
      // azurerm 4.x renamed enable_rbac_authorization to rbac_authorization_enabled; plans of either carry one.
      enableRbacAuthorization: a.bool('rbac_authorization_enabled') ?? a.bool('enable_rbac_authorization'),
      enableSoftDelete: true,
      softDeleteRetentionInDays: a.number('soft_delete_retention_days'),
      // ARM leaves enablePurgeProtection out until it is turned on; it cannot be turned off.
      enablePurgeProtection: purge === true || purge === UNKNOWN ? purge : undefined,
      publicNetworkAccess: publicAccess === UNKNOWN ? UNKNOWN : publicAccess === false ? 'Disabled' : 'Enabled',
      networkAcls: firstAcl === UNKNOWN ? UNKNOWN : firstAcl ? networkAcls(firstAcl) : undefined,
      accessPolicies: mapBlocks(a.blocks('access_policy'), accessPolicy),
      // A new vault has no connection but those the plan creates (from the endpoint side); an existing one may
      // have connections the plan does not show.
      privateEndpointConnections: isCreated(instance) ? [] : UNSEEN,
      provisioningState: 'Succeeded',
    });
    return single([resource(instance, id, VAULT, properties, compact({ location: a.get('location') }))]);
  },
};

function networkAcls(block: BlockView): JsonValue {
  return compact({
    bypass: block.get('bypass'),
    defaultAction: block.get('default_action'),
    ipRules: mapList(block.list('ip_rules'), (value) => ({ value })),
    virtualNetworkRules: mapList(block.list('virtual_network_subnet_ids'), (id) => ({ id })),
  });
}

/** Terraform writes permissions as `Get`; ARM returns them lower-case (Microsoft's getVault example). */
function permissions(block: BlockView, key: string): JsonValue {
  return mapList(block.list(key), (p) => (typeof p === 'string' ? p.toLowerCase() : p));
}

function accessPolicy(block: BlockView): JsonValue {
  return compact({
    tenantId: block.get('tenant_id'),
    objectId: block.get('object_id'),
    applicationId: block.get('application_id'),
    permissions: {
      keys: permissions(block, 'key_permissions'),
      secrets: permissions(block, 'secret_permissions'),
      certificates: permissions(block, 'certificate_permissions'),
      storage: permissions(block, 'storage_permissions'),
    },
  });
}

/** azurerm_key_vault_access_policy: one more entry in the vault's `accessPolicies`. */
export const keyVaultAccessPolicy: Mapper = {
  id: () => undefined,
  map(instance: TerraformInstance, context: PlanContext) {
    const vaultId = context.reference(instance, 'key_vault_id');
    if (!isKnown(vaultId)) return single([]);
    const a = context.attributes(instance);
    const entry = compact({
      tenantId: a.get('tenant_id'),
      objectId: a.get('object_id'),
      applicationId: a.get('application_id'),
      permissions: {
        keys: mapList(a.list('key_permissions'), lower),
        secrets: mapList(a.list('secret_permissions'), lower),
        certificates: mapList(a.list('certificate_permissions'), lower),
        storage: mapList(a.list('storage_permissions'), lower),
      },
    });
    return single(
      [],
      [{ targetId: vaultId, address: instance.address, apply: (v) => appendTo(v, 'accessPolicies', entry) }],
    );
  },
};

function lower(value: JsonValue): JsonValue {
  return typeof value === 'string' ? value.toLowerCase() : value;
}
