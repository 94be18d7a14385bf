import type { ArmResource } from './arm';

/**
 * The built-in Key Vault data-plane roles, with their real ids and data actions as Microsoft publishes them
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security). Used when the estate
 * holds an assignment of a built-in role but not its definition, and to seed the emulator and the fixtures.
 * Key Vault Contributor is listed because it is the classic trap: it manages vaults and grants no data action.
 */
export interface BuiltInRole {
  id: string;
  roleName: string;
  dataActions: string[];
  notDataActions: string[];
}

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    id: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    roleName: 'Key Vault Administrator',
    dataActions: ['Microsoft.KeyVault/vaults/*'],
    notDataActions: [],
  },
  {
    id: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba',
    roleName: 'Key Vault Certificate User',
    dataActions: [
      'Microsoft.KeyVault/vaults/certificates/read',
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
      'Microsoft.KeyVault/vaults/keys/read',
    ],
    notDataActions: [],
  },
  {
    id: 'a4417e6f-fecd-4de8-b567-7b0420556985',
    roleName: 'Key Vault Certificates Officer',
    dataActions: [
      'Microsoft.KeyVault/vaults/certificatecas/*',
      'Microsoft.KeyVault/vaults/certificates/*',
      'Microsoft.KeyVault/vaults/certificatecontacts/write',
    ],
    notDataActions: [],
  },
  {
    id: 'f25e0fa2-a7c8-4377-a976-54943a77a395',
    roleName: 'Key Vault Contributor',
    dataActions: [],
    notDataActions: [],
  },
  {
    id: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
    roleName: 'Key Vault Crypto Officer',
    dataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'],
    notDataActions: [],
  },
  {
    id: 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
    roleName: 'Key Vault Crypto Service Encryption User',
    dataActions: [
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/keys/wrap/action',
      'Microsoft.KeyVault/vaults/keys/unwrap/action',
    ],
    notDataActions: [],
  },
  {
    id: '08bbd89e-9f13-488c-ac41-acfcb10c90ab',
    roleName: 'Key Vault Crypto Service Release User',
    dataActions: ['Microsoft.KeyVault/vaults/keys/release/action'],
    notDataActions: [],
  },
  {
    id: '12338af0-0e69-4776-bea7-57ae8d297424',
    roleName: 'Key Vault Crypto User',
    dataActions: [
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/keys/update/action',
      'Microsoft.KeyVault/vaults/keys/backup/action',
      'Microsoft.KeyVault/vaults/keys/encrypt/action',
      'Microsoft.KeyVault/vaults/keys/decrypt/action',
      'Microsoft.KeyVault/vaults/keys/wrap/action',
      'Microsoft.KeyVault/vaults/keys/unwrap/action',
      'Microsoft.KeyVault/vaults/keys/sign/action',
      'Microsoft.KeyVault/vaults/keys/verify/action',
    ],
    notDataActions: [],
  },
  {
    id: '21090545-7ca7-4776-b22c-e363652d74d2',
    roleName: 'Key Vault Reader',
    dataActions: ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
    notDataActions: [],
  },
  {
    id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    roleName: 'Key Vault Secrets Officer',
    dataActions: ['Microsoft.KeyVault/vaults/secrets/*'],
    notDataActions: [],
  },
  {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    roleName: 'Key Vault Secrets User',
    dataActions: [
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
    notDataActions: [],
  },
];

export function builtInRole(guid: string): BuiltInRole | undefined {
  const wanted = guid.toLowerCase();
  return BUILT_IN_ROLES.find((r) => r.id === wanted);
}

export function builtInRoleNamed(roleName: string): BuiltInRole {
  const role = BUILT_IN_ROLES.find((r) => r.roleName.toLowerCase() === roleName.toLowerCase());
  if (!role) throw new Error(`no built-in Key Vault role named ${roleName}`);
  return role;
}

/** The ARM id under which a subscription lists a built-in role definition. */
export function roleDefinitionId(subscriptionId: string, guid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

/** A built-in role as `GET /subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid}` returns it. */
export function builtInRoleResource(subscriptionId: string, role: BuiltInRole): ArmResource {
  return {
    id: roleDefinitionId(subscriptionId, role.id),
    name: role.id,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: role.roleName,
      type: 'BuiltInRole',
      description: `${role.roleName} (built-in)`,
      assignableScopes: ['/'],
      permissions: [
        { actions: [], notActions: [], dataActions: role.dataActions, notDataActions: role.notDataActions },
      ],
    },
  };
}
