import * as https from 'node:https';
import * as path from 'node:path';
import { packageRoot } from '../engine/docs';
import { asObject, asString, type JsonObject, type JsonValue } from '../model/arm';
import { armShape, mappingFor, pulumiOutputs, type TypeMapping } from './arm-types';
import { PROJECT, runProgram, type NewResourceArgs, type RegisteredResource } from './runtime';
import { readStackConfig, stackConfigFile, type StackConfig } from './stack-config';

/**
 * Offline deploy: the stack program runs under Pulumi's mock runtime and each resource is PUT into the
 * emulator through its ARM REST API; the emulator's answer becomes the resource's outputs, so what ARM
 * does on its own (the endpoint's NIC and address, the connection state, the A record a zone group
 * writes) comes from the emulator, not from the program. Resources are PUT as the runtime registers them,
 * which is dependency order: a resource registers once the outputs it consumes are resolved.
 */
export interface DeployTarget {
  /** `https://127.0.0.1:PORT` */
  endpoint: string;
  caCertPem: string;
  /** A bearer token for ARM (the emulator's managed identity). */
  token: () => Promise<string>;
}

export interface StackRun {
  stack: string;
  config: StackConfig;
  resources: RegisteredResource[];
  outputs: Record<string, unknown>;
}

/** Where the stack project and its `Pulumi.<stack>.yaml` files live. */
export function stacksDir(): string {
  return path.join(packageRoot(), 'stacks');
}

export const STACK_SUBSCRIPTION = '44444444-4444-4444-4444-444444444444';

/** Config the offline runs add when the stack file leaves them out (a real deployment needs them set). */
const OFFLINE_DEFAULTS: StackConfig = {
  'azure-native:location': 'westeurope',
  'azure-native:subscriptionId': STACK_SUBSCRIPTION,
  'kvguard-stacks:tenantId': '72f988bf-86f1-41af-91ab-2d7cd011db47',
};

export function loadProgram(): () => unknown {
  // Next to this module: stacks/program.ts from src/ (tests), dist/stacks/program.js once `tsc -p stacks` built it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- path known only at run time
  const module = require(path.resolve(__dirname, '../../stacks/program')) as { accessPath: () => unknown };
  return () => module.accessPath();
}

export function offlineConfig(stack: string): StackConfig {
  return { ...OFFLINE_DEFAULTS, ...readStackConfig(stackConfigFile(stacksDir(), stack)) };
}

/** Deploys a stack into a running emulator. */
export async function deployStack(stack: string, target: DeployTarget): Promise<StackRun> {
  const config = offlineConfig(stack);
  const subscriptionId = config['azure-native:subscriptionId'] ?? STACK_SUBSCRIPTION;
  const newResource = async (args: NewResourceArgs): Promise<{ id: string | undefined; state: JsonObject }> => {
    const mapping = requireMapping(args.type);
    const id = armId(mapping, args.inputs, subscriptionId, args.name);
    const answer = await armPut(target, id, mapping.apiVersion, armShape(mapping, args.inputs));
    return { id: asString(answer.id) ?? id, state: pulumiOutputs(mapping, answer) };
  };
  const run = await runProgram({
    project: PROJECT,
    stack,
    config,
    preview: false,
    program: loadProgram(),
    newResource,
  });
  return { stack, config, resources: run.resources, outputs: run.outputs };
}

function requireMapping(type: string): TypeMapping {
  const mapping = mappingFor(type);
  if (!mapping) throw new Error(`kvguard cannot deploy ${type}: no ARM mapping in src/pulumi/arm-types.ts`);
  return mapping;
}

/** The ARM id from the path parameters; the resource's own name falls back to its Pulumi name. */
export function armId(mapping: TypeMapping, inputs: JsonObject, subscriptionId: string, pulumiName: string): string {
  const parts = [`/subscriptions/${subscriptionId}`];
  for (const segment of mapping.segments) {
    if (segment.literal) parts.push(segment.literal);
    else {
      const value =
        asString(inputs[segment.param ?? '']) ?? (segment.param === mapping.nameParam ? pulumiName : undefined);
      if (value === undefined) throw new Error(`${pulumiName} (${mapping.token}): ${segment.param} is missing`);
      parts.push(value);
    }
  }
  return parts.join('/');
}

interface ArmAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  payload: string;
}

/** One HTTPS request to ARM with the emulator's CA and a bearer token. */
function armRequest(target: DeployTarget, token: string, method: string, url: URL, text?: string): Promise<ArmAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method,
        ca: target.caCertPem,
        headers: {
          authorization: `Bearer ${token}`,
          ...(text === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            payload: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

function jsonOf(payload: string): JsonValue | undefined {
  try {
    return JSON.parse(payload) as JsonValue;
  } catch {
    return undefined;
  }
}

function failure(what: string, answer: ArmAnswer, error: JsonObject | undefined): Error {
  return new Error(
    `${what}: ${answer.status} ${asString(error?.code) ?? ''}: ${asString(error?.message) ?? answer.payload.slice(0, 200)}`,
  );
}

/** Most polls of one operation before the deploy gives up (the emulator finishes an operation in a few). */
const MAX_POLLS = 100;

/**
 * Waits for a long-running PUT as azure-native does (Azure-AsyncOperation until a terminal status, then a GET of
 * the resource: https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations), so the
 * outputs are the finished resource's, not the interim `Updating` answer. Retry-After is honoured up to 10 s.
 */
async function awaitOperation(target: DeployTarget, token: string, id: string, operationUrl: string): Promise<void> {
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    const answer = await armRequest(target, token, 'GET', new URL(operationUrl));
    const body = asObject(jsonOf(answer.payload));
    if (answer.status !== 200) throw failure(`PUT ${id} (operation)`, answer, asObject(body?.error));
    const status = asString(body?.status) ?? '';
    if (status === 'Succeeded') return;
    if (status === 'Failed' || status === 'Canceled')
      throw failure(`PUT ${id} (operation ${status})`, answer, asObject(body?.error));
    const retryAfter = Number(answer.headers['retry-after'] ?? 1);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(Number.isFinite(retryAfter) ? retryAfter : 1, 10) * 1000),
    );
  }
  throw new Error(`PUT ${id}: the operation did not finish after ${MAX_POLLS} polls`);
}

/** PUT through ARM's REST API: HTTPS with the emulator's CA, a bearer token, the api-version it serves. */
export async function armPut(
  target: DeployTarget,
  id: string,
  apiVersion: string,
  body: JsonObject,
): Promise<JsonObject> {
  const token = await target.token();
  const url = new URL(`${target.endpoint}${id}?api-version=${apiVersion}`);
  let answer = await armRequest(target, token, 'PUT', url, JSON.stringify(body));
  if (answer.status < 200 || answer.status > 299)
    throw failure(`PUT ${id}`, answer, asObject(asObject(jsonOf(answer.payload))?.error));
  const operationUrl = answer.headers['azure-asyncoperation'];
  if (typeof operationUrl === 'string') {
    await awaitOperation(target, token, id, operationUrl);
    answer = await armRequest(target, token, 'GET', url);
    if (answer.status !== 200) throw failure(`GET ${id}`, answer, asObject(asObject(jsonOf(answer.payload))?.error));
  }
  const object = asObject(jsonOf(answer.payload));
  if (!object) throw new Error(`PUT ${id}: ${answer.status} with a body that is not a JSON object`);
  return object;
}

/** A token from DefaultAzureCredential: against the emulator, its managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER). */
export function credentialToken(scope = 'https://management.azure.com/.default'): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () =>
    (cached ??= import('@azure/identity').then(async ({ DefaultAzureCredential }) => {
      const token = await new DefaultAzureCredential().getToken(scope);
      return token.token;
    }));
}
