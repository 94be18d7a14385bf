import { resourceLines } from '../../src/input/resource-lines';

test('the line of each resource id, keyed case-insensitively, first occurrence wins', () => {
  const text = [
    '[',
    '  { "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/KV1", "name": "kv1",',
    '    "properties": { "privateEndpointConnections": [ { "id": "/subscriptions/s/x/conn" } ] } },',
    '  {"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1"}',
    ']',
  ].join('\n');
  expect(resourceLines(text)).toEqual({
    '/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv1': 2,
    '/subscriptions/s/x/conn': 3,
  });
});
