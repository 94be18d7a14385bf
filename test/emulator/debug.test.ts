import { healthyPath, SPOKE_SUB } from '../../src/fixtures/scenario';
import { emulatorWithIdentity, credential, clientOptions, collect } from './support';
test('debug', async () => {
  const p = healthyPath();
  const e = await emulatorWithIdentity(p.resources);
  const { MonitorClient } = await import('@azure/arm-monitor');
  const c = new MonitorClient(await credential(), SPOKE_SUB, { ...clientOptions(e), additionalPolicies: [{ position: 'perCall', policy: { name: 'log', sendRequest: async (req, next) => { console.log(req.url); return next(req); } } }] });
  try { await collect(c.diagnosticSettings.list(p.ids.vault)); } catch (err) { console.log(String(err)); }
  const { AuthorizationManagementClient } = await import('@azure/arm-authorization');
  const a = new AuthorizationManagementClient(await credential(), SPOKE_SUB, { ...clientOptions(e), additionalPolicies: [{ position: 'perCall', policy: { name: 'log', sendRequest: async (req, next) => { console.log(req.url); return next(req); } } }] });
  try { await collect(a.roleAssignments.listForScope(p.ids.vault)); } catch (err) { console.log(String(err)); }
  console.log(e.requestCounts());
  await e.stop();
});
