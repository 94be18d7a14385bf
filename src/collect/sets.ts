import { ArmResource, idKey, parseId } from '../model/arm';
import * as normalize from '../model/normalize';
import type { Vault, VaultKind } from '../model/types';

/** Resources by id (case-insensitive, as ARM ids are), for the collector's traversal. */
export class ResourceSet {
  private readonly byId = new Map<string, ArmResource>();
  private readonly emittedIds = new Set<string>();
  private readonly fetchedIds = new Set<string>();
  private readonly listedSubscriptions = new Set<string>();

  add(resource: ArmResource): void {
    if (!this.byId.has(idKey(resource.id))) this.byId.set(idKey(resource.id), resource);
  }
  get(id: string): ArmResource | undefined {
    return this.byId.get(idKey(id));
  }
  all(): ArmResource[] {
    return [...this.byId.values()];
  }
  ofType(type: string): ArmResource[] {
    return this.all().filter((r) => r.type.toLowerCase() === type);
  }
  /** Marks a resource as part of the output (sets that hold more than the audit needs, e.g. every NIC). */
  emit(id: string): void {
    if (this.byId.has(idKey(id))) this.emittedIds.add(idKey(id));
  }
  emitted(): ArmResource[] {
    return [...this.emittedIds].map((key) => this.byId.get(key)).filter((r): r is ArmResource => r !== undefined);
  }
  /** The subscription's list of this type succeeded: what it did not return does not exist there. */
  markListed(subscriptionId: string): void {
    this.listedSubscriptions.add(subscriptionId.toLowerCase());
  }
  coversSubscriptionOf(id: string): boolean {
    return this.listedSubscriptions.has((parseId(id).subscriptionId ?? '').toLowerCase());
  }
  /** A GET by id was made (found or not): never make it twice. */
  markFetched(id: string): void {
    this.fetchedIds.add(idKey(id));
  }
  isFetched(id: string): boolean {
    return this.fetchedIds.has(idKey(id));
  }
}

/** The audited vaults and managed HSMs, normalized once, with their collection errors. */
export class VaultSet {
  private readonly byId = new Map<string, Vault>();
  /** idKey(vault id) → first reason it could not be fully read (what the engine looks up). */
  readonly errors = new Map<string, string>();

  add(resource: ArmResource): void {
    if (!this.byId.has(idKey(resource.id))) this.byId.set(idKey(resource.id), normalize.vault(resource));
  }
  get(id: string): Vault | undefined {
    return this.byId.get(idKey(id));
  }
  all(): Vault[] {
    return [...this.byId.values()];
  }
  resources(): ArmResource[] {
    return this.all().map((v) => v.resource);
  }
  get size(): number {
    return this.byId.size;
  }
  inSubscription(subscriptionId: string): string[] {
    return this.all()
      .filter((v) => (v.subscriptionId ?? '').toLowerCase() === subscriptionId.toLowerCase())
      .map((v) => v.id);
  }
  ofKind(kind: VaultKind): Vault[] {
    return this.all().filter((v) => v.kind === kind);
  }
  fail(vaultId: string, reason: string): void {
    const key = idKey(vaultId);
    if (!this.errors.has(key)) this.errors.set(key, reason);
  }
}

/** Resources to read by id, each with the audited vaults (ids) that depend on it. */
export type Wanted = Map<string, { id: string; dependents: Set<string> }>;

export function addWanted(wanted: Wanted, id: string, dependents: Iterable<string>): void {
  const entry = wanted.get(idKey(id)) ?? { id, dependents: new Set<string>() };
  for (const d of dependents) entry.dependents.add(d);
  wanted.set(idKey(id), entry);
}
