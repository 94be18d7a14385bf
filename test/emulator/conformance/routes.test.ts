import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { routeTable, typeSpec, type ServedRoute } from '../../../src/emulator/catalog';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ARM_EXAMPLES } from '../../support/arm-examples';
import { rawRequest, testEstate, token } from '../support';
import { modelsOf } from './models';
import { modelProblems, readOnlyPaths, type ModelRef } from './sdk-model';

/**
 * Spec conformance of every route the emulator serves (catalog.routeTable(), so a route added there is checked
 * here without anyone listing it): each answer body, item and list page, is validated against the model of the
 * SDK client that calls the route (./models.ts, ./sdk-model.ts), in both shapes the emulator can answer
 * (`full` and `minimal`). The estate is the test estate plus, written through the emulator's own PUTs, one
 * instance of each type the estate lacks (record sets of every type, a VNet peering, a managed HSM connection).
 */
type Shape = 'full' | 'minimal';
const SHAPES: Shape[] = ['full', 'minimal'];

interface Instance {
  id: string;
  type: string;
}

const lastTypeSegment = (type: string): string => type.split('/').pop() ?? '';
const version = (type: string, route?: ServedRoute): string =>
  route?.spec?.apiVersions[0] ?? typeSpec(type)?.apiVersions[0] ?? '2022-09-01';

function segmentsOf(id: string): string[] {
  return id.split('/').filter((s) => s.length > 0);
}

/** Every served instance: stored resources and those embedded in their parents' properties (per the route table). */
function instancesOf(emulator: RunningEmulator): Instance[] {
  const embedded = routeTable()
    .filter((route) => route.shape === 'item' && route.spec?.kind === 'embedded')
    .map((route) => ({
      type: route.type,
      parent: route.type.split('/').slice(0, -1).join('/').toLowerCase(),
      property: route.spec?.embeddedIn ?? '',
    }));
  const out: Instance[] = [];
  for (const resource of emulator.resources()) {
    out.push({ id: resource.id, type: resource.type });
    const [, sub, groups, rg] = segmentsOf(resource.id);
    if (
      rg &&
      groups?.toLowerCase() === 'resourcegroups' &&
      !out.some((i) => i.id === `/subscriptions/${sub}/resourceGroups/${rg}`)
    )
      out.push({ id: `/subscriptions/${sub}/resourceGroups/${rg}`, type: 'Microsoft.Resources/resourceGroups' });
    for (const child of embedded.filter((e) => e.parent === resource.type.toLowerCase())) {
      const children = resource.properties?.[child.property];
      if (!Array.isArray(children)) continue;
      for (const item of children) {
        const id = (item as { id?: unknown }).id;
        if (typeof id === 'string') out.push({ id, type: child.type });
      }
    }
  }
  return out;
}

/**
 * The conformance estate: the test estate plus the topology fixtures (hub firewall, Virtual WAN), so the
 * routing and name-resolution types of issue 11 have instances the moment their routes are served.
 */
async function conformanceSeed() {
  const estate = await testEstate();
  const { hubFirewall, virtualWanSpokes } = await import('../../../src/fixtures/topology');
  const { networkSecurityGroup } = await import('../../../src/fixtures/network-factory');
  const [, sub, , rg] = segmentsOf(estate.first.ids.spokeSubnet);
  const nsg = networkSecurityGroup(sub ?? '', rg ?? '', 'nsg-conformance', [
    {
      name: 'allow-https',
      priority: 100,
      access: 'Allow',
      sourceAddressPrefix: '10.0.0.0/8',
      destinationPortRange: '443',
    },
  ]);
  // The hub firewall's public IP (its ipConfiguration names it), in @azure/arm-network's PublicIPAddress shape.
  const hub = hubFirewall();
  const firewall = hub.resources.find((r) => r.id === hub.ids.firewall);
  const pipId = String(
    (firewall?.properties?.ipConfigurations as { properties: { publicIPAddress: { id: string } } }[])[0]?.properties
      .publicIPAddress.id,
  );
  const pip = {
    id: pipId,
    name: pipId.split('/').pop() ?? '',
    type: 'Microsoft.Network/publicIPAddresses',
    location: 'westeurope',
    tags: {},
    sku: { name: 'Standard', tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded',
      publicIPAddressVersion: 'IPv4',
      publicIPAllocationMethod: 'Static',
      idleTimeoutInMinutes: 4,
    },
  };
  const seen = new Set(estate.resources.map((r) => r.id.toLowerCase()));
  const extra = [...hub.resources, ...virtualWanSpokes().resources, nsg, pip].filter((r) => {
    const key = r.id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { estate, seed: [...estate.resources, ...extra] };
}

/** The collection URLs that list a route's type, from the instances that exist. */
function collectionsOf(route: ServedRoute, instances: readonly Instance[]): string[] {
  const type = route.type.toLowerCase();
  const urls = new Set<string>();
  const subscriptions = new Set(instances.map((i) => segmentsOf(i.id)[1]).filter((s): s is string => !!s));
  if (type === 'microsoft.resources/resourcegroups')
    for (const s of subscriptions) urls.add(`/subscriptions/${s}/resourcegroups`);
  if (type === 'microsoft.resources/resources')
    for (const s of subscriptions) urls.add(`/subscriptions/${s}/resources`);
  if (type === 'microsoft.network/privatednszones/all')
    for (const zone of instances.filter((i) => i.type.toLowerCase() === 'microsoft.network/privatednszones'))
      urls.add(`${zone.id}/ALL`);
  if (type.startsWith('microsoft.resources/')) return [...urls];
  for (const instance of instances.filter((i) => i.type.toLowerCase() === type)) {
    const kind = route.spec?.kind;
    if (kind === 'tracked') {
      const [, sub, , rg] = segmentsOf(instance.id);
      urls.add(`/subscriptions/${sub}/providers/${route.type}`);
      urls.add(`/subscriptions/${sub}/resourceGroups/${rg}/providers/${route.type}`);
    } else if (kind === 'extension') {
      urls.add(instance.id.slice(0, instance.id.toLowerCase().lastIndexOf('/providers/')) + `/providers/${route.type}`);
    } else {
      urls.add(`${instance.id.split('/').slice(0, -2).join('/')}/${lastTypeSegment(route.type)}`);
    }
  }
  return [...urls];
}

async function get(emulator: RunningEmulator, bearer: string, url: string): Promise<unknown> {
  const response = await rawRequest(emulator, url, { token: bearer });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Every page of a list, following nextLink as the SDKs do. */
async function pages(emulator: RunningEmulator, bearer: string, url: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let next: string | null | undefined = url;
  while (next) {
    const body = (await get(emulator, bearer, next)) as { nextLink?: string | null };
    out.push(body);
    next = body.nextLink;
  }
  return out;
}

const ZONE_RECORDS: Record<string, unknown> = {
  AAAA: { aaaaRecords: [{ ipv6Address: '::1' }] },
  CNAME: { cnameRecord: { cname: 'contoso.com' } },
  MX: { mxRecords: [{ exchange: 'mail.contoso.com', preference: 0 }] },
  PTR: { ptrRecords: [{ ptrdname: 'contoso.com' }] },
  SRV: { srvRecords: [{ priority: 0, weight: 10, port: 80, target: 'contoso.com' }] },
  TXT: { txtRecords: [{ value: ['string1', 'string2'] }] },
};

/** One instance of each type the test estate lacks, written through the emulator (bodies from Microsoft's examples). */
async function complete(emulator: RunningEmulator, bearer: string, estate: Awaited<ReturnType<typeof testEstate>>) {
  const put = async (url: string, body: unknown): Promise<void> => {
    const response = await rawRequest(emulator, url, { method: 'PUT', token: bearer, body });
    if (response.status >= 300) throw new Error(`PUT ${url}: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const zone = estate.first.ids.zone;
  for (const [recordType, properties] of Object.entries(ZONE_RECORDS))
    await put(
      `${zone}/${recordType}/record${recordType.toLowerCase()}?api-version=${version('Microsoft.Network/privateDnsZones/A')}`,
      {
        properties: { ttl: 3600, ...(properties as object) },
      },
    );
  const network = version('Microsoft.Network/virtualNetworks');
  await put(`${estate.first.ids.spokeVnet}/virtualNetworkPeerings/to-second?api-version=${network}`, {
    properties: { remoteVirtualNetwork: { id: estate.second.ids.spokeVnet }, allowVirtualNetworkAccess: true },
  });
  const hsm = estate.resources.find((r) => r.type === 'Microsoft.KeyVault/managedHSMs');
  const [, sub, , rg] = segmentsOf(estate.first.ids.spokeSubnet);
  await put(
    `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/pe-hsm?api-version=${network}`,
    {
      location: 'westeurope',
      properties: {
        subnet: { id: estate.first.ids.spokeSubnet },
        privateLinkServiceConnections: [
          { name: 'to-hsm', properties: { privateLinkServiceId: hsm?.id ?? '', groupIds: ['managedhsm'] } },
        ],
      },
    },
  );
}

describe.each(SHAPES)('every served route answers its SDK model (%s shape)', (shape) => {
  let emulator: RunningEmulator;
  let bearer: string;
  let instances: Instance[];

  beforeAll(async () => {
    const { estate, seed } = await conformanceSeed();
    emulator = await startEmulator({ seed, throttle: false, pageSize: 2, shape });
    bearer = await token(emulator);
    await complete(emulator, bearer, estate);
    instances = instancesOf(emulator);
  });
  afterAll(() => emulator.stop());

  test.each(routeTable().map((route) => [`${route.shape} ${route.type}`, route] as const))(
    '%s',
    async (_name, route) => {
      const models = modelsOf(route.type);
      const model: ModelRef | undefined = route.shape === 'list' ? models?.list : models?.item;
      expect([route.type, route.shape, model ? 'has a model' : 'no SDK model listed in conformance/models.ts']).toEqual(
        [route.type, route.shape, 'has a model'],
      );
      const bodies: [string, unknown][] = [];
      if (route.shape === 'query') {
        const response = await rawRequest(
          emulator,
          '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01',
          {
            method: 'POST',
            token: bearer,
            body: { subscriptions: [], query: 'Resources | project id, name, type, properties' },
          },
        );
        bodies.push(['POST Resource Graph', response.body]);
      } else if (route.shape === 'item') {
        const ids =
          route.type === 'Microsoft.Resources/subscriptions'
            ? [...new Set(instances.map((i) => `/subscriptions/${segmentsOf(i.id)[1]}`))]
            : instances.filter((i) => i.type.toLowerCase() === route.type.toLowerCase()).map((i) => i.id);
        for (const id of ids)
          bodies.push([id, await get(emulator, bearer, `${id}?api-version=${version(route.type, route)}`)]);
      } else {
        for (const url of collectionsOf(route, instances))
          for (const page of await pages(emulator, bearer, `${url}?api-version=${version(route.type, route)}`))
            bodies.push([url, page]);
      }
      expect([
        route.type,
        bodies.length > 0 ? 'served' : 'no instance: add one to conformanceSeed() in routes.test.ts',
      ]).toEqual([route.type, 'served']);
      const problems = bodies.flatMap(([where, body]) =>
        modelProblems(model as ModelRef, body).map((p) => `${where}: ${p}`),
      );
      expect(problems).toEqual([]);
    },
  );
});

/**
 * Read-only properties are the service's: an instance's GET body PUT back with every read-only string (as the
 * SDK's model marks them: what its serializer drops) set to a marker is accepted, and the answer carries no
 * marker. A client cannot write what the spec says only the service writes.
 */
const MARKER = 'set-by-the-client';
const exercised: string[] = [];

describe('read-only properties are never taken from a PUT body', () => {
  let emulator: RunningEmulator;
  let bearer: string;
  let instances: Instance[];
  beforeAll(async () => {
    const estate = await testEstate();
    emulator = await startEmulator({ seed: estate.resources, throttle: false, asyncPolls: 0 });
    bearer = await token(emulator);
    instances = instancesOf(emulator);
  });
  afterAll(() => emulator.stop());

  const writable = routeTable().filter((route) => route.shape === 'item' && route.spec?.kind !== 'embedded');
  test.each(writable.map((route) => [route.type, route] as const))('%s', async (_type, route) => {
    const model = modelsOf(route.type)?.item;
    const instance = instances.find((i) => i.type.toLowerCase() === route.type.toLowerCase());
    if (!model || !instance) return; // no instance of the type in the test estate: the route test above covers it
    const url = `${instance.id}?api-version=${version(route.type, route)}`;
    const body = (await get(emulator, bearer, url)) as Record<string, unknown>;
    const paths = readOnlyPaths(model, body);
    if (paths === undefined) return;
    const tampered = structuredClone(body);
    const changed: string[] = [];
    for (const path of paths) {
      const keys = path.split('/').slice(1);
      if (['id', 'name', 'type'].includes(keys[0] ?? '') && keys.length === 1) continue;
      let node = tampered as Record<string, unknown>;
      for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
      const last = keys[keys.length - 1] ?? '';
      if (typeof node[last] !== 'string' || /(^|\/)id$/.test(path)) continue;
      node[last] = MARKER;
      changed.push(path);
    }
    const response = await rawRequest(emulator, url, { method: 'PUT', token: bearer, body: tampered });
    if (response.status === 405) return;
    expect(response.status).toBeLessThan(300);
    const at = (value: unknown, path: string): unknown =>
      path
        .split('/')
        .slice(1)
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
    if (changed.length > 0) exercised.push(route.type);
    expect(changed.filter((path) => at(response.body, path) === MARKER)).toEqual([]);
  });

  test('the check is not vacuous: read-only strings were sent for most types', () => {
    expect(exercised.length).toBeGreaterThanOrEqual(8);
  });
});

/**
 * The judges agree with Microsoft: every example response in test/fixtures/arm-examples (copied from
 * Azure/azure-rest-api-specs, README there) for a type the emulator serves passes the same model check the
 * emulator's answers pass. Example quirks the README records are repaired first, as in ../conformance.test.ts.
 */
const EXAMPLES_DIR = ARM_EXAMPLES;

function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? exampleFiles(join(dir, entry.name))
      : entry.name.endsWith('.json')
        ? [join(dir, entry.name)]
        : [],
  );
}

function typeOfId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const segments = segmentsOf(id.replace('/privateLinkServices/', '/privateEndpoints/'));
  const providers = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (providers < 0) return undefined;
  const tail = segments.slice(providers + 1);
  const parts = [tail[0] ?? ''];
  for (let i = 1; i < tail.length; i += 2) parts.push(tail[i] ?? '');
  return parts.join('/');
}

const served = new Map(routeTable().map((route) => [route.type.toLowerCase(), route]));
const exampleCases = exampleFiles(EXAMPLES_DIR).flatMap((file) => {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    responses?: Record<string, { body?: Record<string, unknown> }>;
  };
  const body = parsed.responses?.['200']?.body;
  // `…_ListByVirtualNetwork` operations list a VNet's view of the type (SubResource items, their own list model),
  // not the type's collection: not what the emulator serves on the type's list routes.
  if (!body || /_ListByVirtualNetwork\.json$/.test(file)) return [];
  const list = Array.isArray(body.value);
  const first = list ? (body.value as Record<string, unknown>[])[0] : body;
  const type = typeOfId(first?.id);
  if (!type || !served.has(type.toLowerCase())) return [];
  return [[relative(EXAMPLES_DIR, file), type, list ? ('list' as const) : ('item' as const), body] as const];
});

describe("Microsoft's examples pass the models that judge the emulator", () => {
  test('there are examples for the served types', () => {
    expect(exampleCases.length).toBeGreaterThan(10);
  });
  test.each(exampleCases)('%s (%s %s)', (_file, type, shape, body) => {
    const models = modelsOf(type);
    const model = shape === 'list' ? models?.list : models?.item;
    expect(model).toBeDefined();
    // PrivateEndpointDnsZoneGroupGet.json names its endpoint under privateLinkServices (README: an example quirk).
    const repaired = JSON.parse(
      JSON.stringify(body).replace(/\/privateLinkServices\//g, '/privateEndpoints/'),
    ) as unknown;
    expect(modelProblems(model as ModelRef, repaired)).toEqual([]);
  });
});
