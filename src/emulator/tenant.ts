/**
 * The tenant the emulator's subscriptions and tokens belong to. The value is the tenant id of
 * Microsoft's REST examples (e.g. Microsoft.KeyVault getVault.json), so seeds copied from them match.
 */
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
