import { withEmulator } from '../collect/live-support';
import { SUBSCRIPTION_SEED, deployInto } from './support';

/**
 * The offline deploy waits for long-running PUTs as the azure-native provider does: it polls the
 * Azure-AsyncOperation URL to a terminal status, then reads the resource, so no output is an interim
 * `Updating` answer (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations).
 */
test('healthy stack: every asynchronous PUT is polled to Succeeded and its outputs are the finished resource', async () => {
  await withEmulator(SUBSCRIPTION_SEED, { asyncPolls: 2 }, async (emulator) => {
    const run = await deployInto(emulator, 'healthy');
    const states = run.resources
      .map(
        (r) => r.state.provisioningState ?? (r.state.properties as { provisioningState?: unknown })?.provisioningState,
      )
      .filter((s) => s !== undefined);
    expect(states.length).toBeGreaterThan(0);
    expect([...new Set(states)]).toEqual(['Succeeded']);
    // Each Network / Private DNS write (VNets, endpoint, zone, link, zone group) was polled twice.
    expect(emulator.requestCounts()['GET (long-running operation)']).toBeGreaterThanOrEqual(10);
  });
});
