import { idKey, parentId, type ArmResource, type JsonObject, type JsonValue } from './json';
import { RESOURCE_GROUPS, SUBSCRIPTIONS, isRecordSetType, typeSpec } from './catalog';
import { parseTarget } from './target';

/**
 * The emulator's state: ARM resources by id (case-insensitive), indexed by the collections ARM lists
 * them in, so a list is a lookup rather than a scan. Subnets, VNet peerings and vault connections stay embedded in
 * their parent's properties, as ARM returns them, and are not stored on their own.
 */
export const ALL_TYPES = '*';
export const RECORD_SETS = 'recordsets';

function clone<T>(value: T): T {
  return structuredClone(value);
}

export class ResourceStore {
  private readonly byKey = new Map<string, ArmResource>();
  private readonly collections = new Map<string, Map<string, ArmResource>>();
  private readonly subscriptions = new Set<string>();
  /** Resource groups implied by the ids of seeded resources (ARM requires them to exist). */
  private readonly impliedGroups = new Map<string, ArmResource>();

  constructor(seed: readonly ArmResource[]) {
    const embedded: ArmResource[] = [];
    for (const resource of seed) {
      const target = parseTarget(resource.id);
      if (target.subscriptionId) this.subscriptions.add(target.subscriptionId.toLowerCase());
      if (target.subscriptionId && target.resourceGroup)
        this.implyGroup(target.subscriptionId, target.resourceGroup, resource.location);
      if (resource.type.toLowerCase() === SUBSCRIPTIONS.type.toLowerCase()) continue;
      if (typeSpec(resource.type)?.kind === 'embedded') embedded.push(resource);
      else this.upsert(clone(resource));
    }
    for (const resource of embedded) this.mergeEmbedded(clone(resource));
  }

  private implyGroup(subscriptionId: string, resourceGroup: string, location: string | undefined): void {
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
    if (this.impliedGroups.has(idKey(id))) return;
    this.impliedGroups.set(idKey(id), {
      id,
      name: resourceGroup,
      type: RESOURCE_GROUPS.type,
      location: location && location !== 'global' ? location : 'westeurope',
      properties: { provisioningState: 'Succeeded' },
    });
  }

  /** A seeded standalone subnet (or vault connection) goes into its parent's properties, where ARM keeps it. */
  private mergeEmbedded(child: ArmResource): void {
    const property = typeSpec(child.type)?.embeddedIn ?? '';
    const parent = this.byKey.get(idKey(parentId(child.id)));
    if (!parent) throw new Error(`seed: ${child.type} ${child.id} has no parent ${parentId(child.id)} in the seed`);
    const properties = (parent.properties ??= {});
    const list = Array.isArray(properties[property])
      ? (properties[property] as JsonValue[])
      : (properties[property] = []);
    list.push(child as JsonObject);
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscriptions.has(subscriptionId.toLowerCase());
  }

  resourceGroup(subscriptionId: string, resourceGroup: string): ArmResource | undefined {
    const key = idKey(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`);
    return this.byKey.get(key) ?? this.impliedGroups.get(key);
  }

  resourceGroups(subscriptionId: string): ArmResource[] {
    const explicit = this.list(RESOURCE_GROUPS.type, `/subscriptions/${subscriptionId}`);
    const keys = new Set(explicit.map((g) => idKey(g.id)));
    const prefix = `/subscriptions/${subscriptionId.toLowerCase()}/`;
    const implied = [...this.impliedGroups.entries()]
      .filter(([key]) => key.startsWith(prefix) && !keys.has(key))
      .map(([, group]) => group);
    return [...implied, ...explicit];
  }

  get(id: string): ArmResource | undefined {
    return this.byKey.get(idKey(id));
  }

  /** Inserts or replaces (keeping list position, as ARM keeps a resource's place). Returns true when created. */
  upsert(resource: ArmResource): boolean {
    const key = idKey(resource.id);
    const created = !this.byKey.has(key);
    this.byKey.set(key, resource);
    for (const collection of this.collectionKeys(resource)) {
      let members = this.collections.get(collection);
      if (!members) this.collections.set(collection, (members = new Map()));
      members.set(key, resource);
    }
    if (resource.type.toLowerCase() === RESOURCE_GROUPS.type.toLowerCase()) this.impliedGroups.delete(key);
    return created;
  }

  /** Deletes a resource and its nested resources (ARM deletes a zone's record sets and links with it). */
  remove(id: string): ArmResource | undefined {
    const key = idKey(id);
    const resource = this.byKey.get(key);
    if (!resource) return undefined;
    for (const nestedKey of [...this.byKey.keys()].filter((k) => k.startsWith(`${key}/`))) this.removeOne(nestedKey);
    this.removeOne(key);
    return resource;
  }

  private removeOne(key: string): void {
    const resource = this.byKey.get(key);
    if (!resource) return;
    this.byKey.delete(key);
    for (const collection of this.collectionKeys(resource)) this.collections.get(collection)?.delete(key);
  }

  /** Resources of `type` (or ALL_TYPES, RECORD_SETS) listed under `scope`: a subscription, resource group or parent id. */
  list(type: string, scope: string): ArmResource[] {
    return [...(this.collections.get(`${type.toLowerCase()}|${idKey(scope)}`)?.values() ?? [])];
  }

  /** Every stored resource of an extension type, whatever its scope. */
  listEverywhere(type: string): ArmResource[] {
    return this.list(type, ALL_TYPES);
  }

  /** Every stored resource of a tracked type, in every subscription. */
  listEverywhereTracked(type: string): ArmResource[] {
    return this.all().filter((r) => r.type.toLowerCase() === type.toLowerCase());
  }

  all(): ArmResource[] {
    return [...this.byKey.values()];
  }

  private collectionKeys(resource: ArmResource): string[] {
    const target = parseTarget(resource.id);
    const type = resource.type.toLowerCase();
    const keys: string[] = [];
    const add = (t: string, scope: string): void => void keys.push(`${t}|${idKey(scope)}`);
    if (type === RESOURCE_GROUPS.type.toLowerCase()) {
      if (target.subscriptionId) add(type, `/subscriptions/${target.subscriptionId}`);
      return keys;
    }
    if (target.spec?.kind === 'extension') {
      add(type, target.scope);
      add(type, ALL_TYPES);
      return keys;
    }
    if (target.scopeKind === 'resourceGroup' && target.subscriptionId) {
      add(type, target.scope);
      add(type, `/subscriptions/${target.subscriptionId}`);
      add(ALL_TYPES, target.scope);
      add(ALL_TYPES, `/subscriptions/${target.subscriptionId}`);
      return keys;
    }
    add(type, target.scope);
    if (isRecordSetType(resource.type)) add(RECORD_SETS, target.scope);
    return keys;
  }
}
