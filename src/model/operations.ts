/**
 * Data-plane operations, named as access policies name their permissions (`secrets/get`, `keys/unwrapKey`),
 * with the RBAC data action each needs. Mapping per Microsoft's RBAC migration guide
 * (https://learn.microsoft.com/azure/key-vault/general/rbac-access-policy) and the Microsoft.KeyVault data
 * actions (https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault).
 */
export type ObjectArea = 'secrets' | 'keys' | 'certificates';

export interface Operation {
  /** `secrets/get`: area and access-policy permission, in the policy's spelling. */
  name: string;
  area: ObjectArea;
  permission: string;
  dataAction: string;
}

const V = 'Microsoft.KeyVault/vaults';

const CATALOG: Record<ObjectArea, Record<string, string>> = {
  secrets: {
    get: `${V}/secrets/getSecret/action`,
    list: `${V}/secrets/readMetadata/action`,
    set: `${V}/secrets/setSecret/action`,
    delete: `${V}/secrets/delete`,
    backup: `${V}/secrets/backup/action`,
    restore: `${V}/secrets/restore/action`,
    recover: `${V}/secrets/recover/action`,
    purge: `${V}/secrets/purge/action`,
  },
  keys: {
    get: `${V}/keys/read`,
    list: `${V}/keys/read`,
    create: `${V}/keys/create/action`,
    import: `${V}/keys/import/action`,
    update: `${V}/keys/update/action`,
    delete: `${V}/keys/delete`,
    backup: `${V}/keys/backup/action`,
    restore: `${V}/keys/restore/action`,
    recover: `${V}/keys/recover/action`,
    purge: `${V}/keys/purge/action`,
    encrypt: `${V}/keys/encrypt/action`,
    decrypt: `${V}/keys/decrypt/action`,
    wrapKey: `${V}/keys/wrap/action`,
    unwrapKey: `${V}/keys/unwrap/action`,
    sign: `${V}/keys/sign/action`,
    verify: `${V}/keys/verify/action`,
    release: `${V}/keys/release/action`,
    rotate: `${V}/keys/rotate/action`,
    getRotationPolicy: `${V}/keyrotationpolicies/read`,
    setRotationPolicy: `${V}/keyrotationpolicies/write`,
  },
  certificates: {
    get: `${V}/certificates/read`,
    list: `${V}/certificates/read`,
    create: `${V}/certificates/create/action`,
    import: `${V}/certificates/import/action`,
    update: `${V}/certificates/update/action`,
    delete: `${V}/certificates/delete`,
    backup: `${V}/certificates/backup/action`,
    restore: `${V}/certificates/restore/action`,
    recover: `${V}/certificates/recover/action`,
    purge: `${V}/certificates/purge/action`,
    manageContacts: `${V}/certificatecontacts/write`,
    getIssuers: `${V}/certificatecas/read`,
    listIssuers: `${V}/certificatecas/read`,
    setIssuers: `${V}/certificatecas/write`,
    manageIssuers: `${V}/certificatecas/write`,
    deleteIssuers: `${V}/certificatecas/delete`,
  },
};

/** Short spellings people type for the key operations. */
const ALIASES: Record<string, string> = { wrap: 'wrapKey', unwrap: 'unwrapKey' };

/** Parses `secrets/get`, `keys/decrypt`, `keys/unwrap` (case-insensitive); undefined when unknown. */
export function parseOperation(text: string): Operation | undefined {
  const [areaText = '', permissionText = '', ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const area = (['secrets', 'keys', 'certificates'] as const).find((a) => a === areaText.toLowerCase());
  if (!area) return undefined;
  const wanted = (ALIASES[permissionText.toLowerCase()] ?? permissionText).toLowerCase();
  const permission = Object.keys(CATALOG[area]).find((p) => p.toLowerCase() === wanted);
  if (!permission) return undefined;
  return { name: `${area}/${permission}`, area, permission, dataAction: CATALOG[area][permission] ?? '' };
}

export function knownOperations(): string[] {
  return (Object.keys(CATALOG) as ObjectArea[]).flatMap((area) =>
    Object.keys(CATALOG[area]).map((p) => `${area}/${p}`),
  );
}

/** The first operation that needs this data action (reading a ForbiddenByRbac body back into an operation). */
export function operationForDataAction(dataAction: string): Operation | undefined {
  const wanted = dataAction.toLowerCase();
  for (const area of Object.keys(CATALOG) as ObjectArea[]) {
    for (const [permission, action] of Object.entries(CATALOG[area])) {
      if (action.toLowerCase() === wanted)
        return { name: `${area}/${permission}`, area, permission, dataAction: action };
    }
  }
  return undefined;
}
