import { randomUUID } from 'node:crypto';
import { ArmError } from './errors';
import { idKey, type JsonObject } from './json';
import type { ArmTarget } from './target';

/**
 * Long-running operations as ARM runs them for the types Azure writes asynchronously
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations):
 *   - PUT answers 201/200 at once with the resource in `provisioningState: Updating` and an
 *     `Azure-AsyncOperation` header; the resource reads `Updating` until the operation has finished;
 *   - DELETE answers 202 with `Azure-AsyncOperation` and `Location`; the resource reads `Deleting` and is
 *     deleted when the operation finishes (a delete the service refuses then fails the operation, not the request);
 *   - the operation URL answers `{status: InProgress|Succeeded|Failed}`; the Location URL 202 while running, then 204.
 * No timers: an operation finishes after it has been polled `pollsBeforeDone` times (the clients' pollers poll
 * until it is terminal), so tests are deterministic. Network (Microsoft.Network/* except Private DNS record sets),
 * Private DNS zones and links, and managed HSMs are asynchronous; vaults, record sets, role assignments and
 * diagnostic settings answer synchronously, as the services do.
 */
export interface Operation {
  id: string;
  /** idKey of the resource it writes. */
  resourceKey: string;
  kind: 'put' | 'delete';
  status: 'InProgress' | 'Succeeded' | 'Failed';
  pollsLeft: number;
  startTime: string;
  endTime?: string;
  error?: ArmError;
  /** Runs when the operation finishes (a DELETE deletes then). */
  finish: () => void;
}

const ASYNC_TYPES = [
  /^microsoft\.network\/(virtualnetworks|networkinterfaces|privateendpoints)(\/|$)/,
  /^microsoft\.network\/privatednszones$/,
  /^microsoft\.network\/privatednszones\/virtualnetworklinks$/,
  /^microsoft\.keyvault\/managedhsms$/,
];

export function isAsyncType(type: string): boolean {
  return ASYNC_TYPES.some((pattern) => pattern.test(type.toLowerCase()));
}

const OPERATION_PATH =
  /^\/subscriptions\/[^/]+\/providers\/([^/]+)\/locations\/[^/]+\/(operations|operationResults)\/([^/]+)$/i;

export class Operations {
  private readonly byId = new Map<string, Operation>();
  /** idKey of a resource → the operation writing it. */
  private readonly byResource = new Map<string, Operation>();

  constructor(
    private readonly pollsBeforeDone: number,
    private readonly now: () => number,
  ) {}

  start(target: ArmTarget, kind: Operation['kind'], finish: () => void): Operation {
    const operation: Operation = {
      id: randomUUID(),
      resourceKey: idKey(target.path),
      kind,
      status: 'InProgress',
      pollsLeft: this.pollsBeforeDone,
      startTime: new Date(this.now()).toISOString(),
      finish,
    };
    this.byId.set(operation.id, operation);
    this.byResource.set(operation.resourceKey, operation);
    if (operation.pollsLeft <= 0) this.complete(operation);
    return operation;
  }

  /** `Updating` / `Deleting` while an operation writes the resource, else undefined. */
  interimState(resourceId: string): string | undefined {
    const operation = this.byResource.get(idKey(resourceId));
    if (!operation || operation.status !== 'InProgress') return undefined;
    return operation.kind === 'delete' ? 'Deleting' : 'Updating';
  }

  /** The URLs a client polls: `Azure-AsyncOperation` (status) and `Location` (result). */
  headers(baseUrl: string, target: ArmTarget, operation: Operation, apiVersion: string): Record<string, string> {
    const namespace = target.spec?.type.split('/')[0] ?? 'Microsoft.Network';
    const base = `${baseUrl}/subscriptions/${target.subscriptionId ?? ''}/providers/${namespace}/locations/westeurope`;
    const headers: Record<string, string> = {
      'azure-asyncoperation': `${base}/operations/${operation.id}?api-version=${apiVersion}`,
      'retry-after': '0',
    };
    if (operation.kind === 'delete')
      headers.location = `${base}/operationResults/${operation.id}?api-version=${apiVersion}`;
    return headers;
  }

  static isOperationPath(path: string): boolean {
    return OPERATION_PATH.test(path);
  }

  /** Answers a poll of an operation URL, advancing the operation by one poll. */
  poll(path: string): { status: number; body?: JsonObject; headers: Record<string, string> } {
    const match = OPERATION_PATH.exec(path);
    const operation = match?.[3] ? this.byId.get(match[3]) : undefined;
    if (!match || !operation)
      throw new ArmError(404, 'OperationNotFound', `The operation '${match?.[3] ?? path}' could not be found.`);
    if (operation.status === 'InProgress') {
      operation.pollsLeft -= 1;
      if (operation.pollsLeft <= 0) this.complete(operation);
    }
    const running = operation.status === 'InProgress';
    if (match[2]?.toLowerCase() === 'operationresults') {
      if (running) return { status: 202, headers: { location: path, 'retry-after': '0' } };
      if (operation.error) throw operation.error;
      return { status: 204, headers: {} };
    }
    const body: JsonObject = { id: path, name: operation.id, status: operation.status, startTime: operation.startTime };
    if (operation.endTime) body.endTime = operation.endTime;
    if (operation.error) body.error = operation.error.body().error;
    return { status: 200, body, headers: running ? { 'retry-after': '0' } : {} };
  }

  private complete(operation: Operation): void {
    try {
      operation.finish();
      operation.status = 'Succeeded';
    } catch (error) {
      if (!(error instanceof ArmError)) throw error;
      operation.status = 'Failed';
      operation.error = error;
    }
    operation.endTime = new Date(this.now()).toISOString();
    if (this.byResource.get(operation.resourceKey) === operation) this.byResource.delete(operation.resourceKey);
  }
}
