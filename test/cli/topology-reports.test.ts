import { hubFirewall } from '../../src/fixtures/topology';
import { example, runCli } from '../support/run-cli';

/**
 * Issue 11, reports: the text, Markdown and HTML reports show the route the caller's packets take and the
 * DNS chain its query follows, hop by hop, on examples/hub-firewall*.json (src/fixtures/topology.ts).
 */
const { ids } = hubFirewall();
const ROUTE =
  'Caller snet-app → UDR 0.0.0.0/0 → peering app-to-hub → firewall 10.0.1.4 (vnet-hub) → peering hub-to-payments → endpoint 10.1.1.4';
const ORDERS_DNS =
  'vnet-orders → ruleset rs-hub (privatelink.vaultcore.azure.net.) → inbound endpoint 10.0.0.4 (vnet-hub) → zone privatelink.vaultcore.azure.net (vnet-hub) → 10.1.1.4';

const audit = (name: string, subnet: string, format: string) =>
  runCli(['audit', '--snapshot', example(name), '--caller-subnet', subnet, '--format', format, '--no-color']);

describe('route and DNS chain in reports', () => {
  test('text: the app spoke routed through the hub firewall passes, with the route and its DNS chain', async () => {
    const run = await audit('hub-firewall', ids.appSubnet, 'text');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  route ${ROUTE}`);
    expect(run.stdout).toContain(
      '  dns   vnet-app → firewall DNS proxy 10.0.1.4 (vnet-hub) → zone privatelink.vaultcore.azure.net (vnet-hub) → 10.1.1.4',
    );
  });

  test('text: the orders spoke resolves through the ruleset', async () => {
    const run = await audit('hub-firewall', ids.ordersSubnet, 'text');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  dns   ${ORDERS_DNS}`);
  });

  test('Markdown: a broken path lists its route under Paths, and the failure names the peering', async () => {
    const run = await audit('hub-firewall-no-forwarding', ids.appSubnet, 'markdown');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '- **kv-payments-prod** route: Caller snet-app → UDR 0.0.0.0/0 → peering app-to-hub → firewall 10.0.1.4 (vnet-hub) ✗',
    );
    expect(run.stdout).toContain(
      'peering payments-to-hub of vnet-payments does not allow forwarded traffic (allowForwardedTraffic false)',
    );
  });

  test('HTML: the route and DNS lines ride in the page data, drawn under the access path', async () => {
    const run = await audit('hub-firewall', ids.appSubnet, 'html');
    const data = /"routes":(\[.*?\]),"texts":/.exec(run.stdout);
    expect(data?.[1]).toMatch(/^\[\[0,0,\d+\],\[0,1,\d+\]/);
    expect(run.stdout).toContain(JSON.stringify(ROUTE));
    expect(run.stdout).toContain("line.setAttribute('data-kind', r[1] === 1 ? 'dns' : 'route')");
  });
});
