import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ArmResource } from './json';
import { FaultPlan, parseFaults } from './faults';
import { acquireIdentityEndpoint } from './identity';
import { armHandler, type ServerState } from './server';
import { ResourceStore } from './store';
import { completeZones } from './dns-records';
import { Operations } from './operations';
import { Throttle, ARM_READ_LIMITS, type ThrottleOptions } from './throttle';
import { systemClock, type EmulatorClock } from './clock';
import { createCertificates } from './tls';
import { startDataPlane } from './data-plane';
import type { EmulatedCloud } from './clouds';
import type { AnswerShape } from './shape';

/**
 * A local ARM (DESIGN 4): HTTPS on 127.0.0.1 with a certificate generated at start, the routes the
 * collectors call at the SDKs' api-versions, ARM's paging, errors and throttling, injected latency and
 * faults, PUT/DELETE with ARM's side effects, and a managed-identity endpoint so the real SDK clients
 * authenticate through `DefaultAzureCredential` with no Azure account.
 */
export interface EmulatorOptions {
  seed: ArmResource[];
  /** 0 / undefined = any free port. */
  port?: number;
  latencyMs?: number | { min: number; max: number };
  /** The --faults SPEC grammar, documented in src/emulator/faults.ts. */
  faults?: string;
  /** Default: ARM's real numbers (250, 25/s per subscription and principal; private DNS 500 GETs / 5 min per subscription; Resource Graph 15 queries / 5 s per user). */
  throttle?: false | ThrottleOptions;
  /**
   * Items per list page when the request has no `$top`. The default (10) is small so that tests and the
   * demo page through nextLinks; benchmarks that model ARM's larger pages set it (e.g. 100 or 1000).
   */
  pageSize?: number;
  /** Time for throttling windows, latency and slow pages (default: the system clock; tests inject their own). */
  clock?: EmulatorClock;
  /** Also serve the Key Vault data plane (src/emulator/data-plane.ts) on its own port, for `kvguard probe`. */
  dataPlane?: boolean;
  /** The cloud whose ARM this is (default AzureCloud): tokens must carry one of its ARM audiences. */
  cloud?: EmulatedCloud;
  /**
   * `full` (default): every field the service returns. `minimal`: only what the spec requires, as the service
   * may answer (src/emulator/shape.ts): clients that read more than the spec promises break on it.
   */
  shape?: AnswerShape;
  /**
   * How many polls a long-running operation answers `InProgress` before it finishes (default 1; 0 finishes
   * it at once). See ./operations.ts.
   */
  asyncPolls?: number;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:PORT` */
  endpoint: string;
  /** `https://127.0.0.1:PORT` of the data plane (vaults chosen by Host header), when started with `dataPlane: true`. */
  dataPlaneEndpoint?: string;
  /** CA that signed the server certificate, and the temp file it is written to. */
  caCertPem: string;
  caCertPath: string;
  /**
   * Managed-identity token endpoint (App Service style) for IDENTITY_ENDPOINT / IDENTITY_HEADER. One per
   * process, shared by the emulators running in it (MSAL remembers the first endpoint it used).
   */
  identityEndpoint: string;
  identityHeader: string;
  /** Requests by operation, e.g. `GET Microsoft.KeyVault/vaults (list)`. */
  requestCounts(): Record<string, number>;
  /** Current state (after PUT/DELETE), in the snapshot format. */
  resources(): ArmResource[];
  stop(): Promise<void>;
}

export const DEFAULT_PAGE_SIZE = 10;

function latencyFunction(latency: EmulatorOptions['latencyMs']): () => number {
  if (latency === undefined) return () => 0;
  if (typeof latency === 'number') return () => latency;
  const { min, max } = latency;
  return () => min + Math.random() * Math.max(0, max - min);
}

function listen(server: HttpServer | HttpsServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const faults = new FaultPlan(parseFaults(options.faults));
  const store = new ResourceStore(options.seed);
  completeZones(store);
  const certificates = await createCertificates();
  const clock = options.clock ?? systemClock;
  const state: ServerState = {
    store,
    throttle: new Throttle(options.throttle === undefined ? ARM_READ_LIMITS : options.throttle, () => clock.now()),
    clock,
    faults,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    latency: latencyFunction(options.latencyMs),
    counts: new Map(),
    baseUrl: '',
    cloud: options.cloud ?? 'AzureCloud',
    shape: options.shape ?? 'full',
    operations: new Operations(options.asyncPolls ?? 1, () => clock.now()),
  };
  const arm = createHttpsServer(
    { key: certificates.serverKeyPem, cert: certificates.serverCertPem },
    armHandler(state),
  );
  const port = await listen(arm, options.port ?? 0);
  const identity = await acquireIdentityEndpoint();
  state.baseUrl = `https://127.0.0.1:${port}`;
  const dataPlane = options.dataPlane
    ? await startDataPlane(store, { certPem: certificates.caCertPem, keyPem: certificates.caKeyPem })
    : undefined;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: state.baseUrl,
    ...(dataPlane ? { dataPlaneEndpoint: dataPlane.endpoint } : {}),
    caCertPem: certificates.caCertPem,
    caCertPath: certificates.caCertPath,
    identityEndpoint: identity.endpoint,
    identityHeader: identity.header,
    requestCounts: () => Object.fromEntries([...state.counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    resources: () => store.all().map((r) => structuredClone(r)),
    stop: () =>
      (stopped ??= Promise.all([close(arm), identity.release(), dataPlane?.stop()]).then(() => {
        rmSync(dirname(certificates.caCertPath), { recursive: true, force: true });
      })),
  };
}
