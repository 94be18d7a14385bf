import {
  asArray,
  asObject,
  asString,
  asStrings,
  idKey,
  type ArmResource,
  type JsonObject,
  type JsonValue,
} from './json';
import { TENANT } from './tenant';
import { ALL_RECORD_SETS, GENERIC_RESOURCES, RESOURCE_GROUPS, SUBSCRIPTIONS } from './catalog';
import { badRequest, parentNotFound, resourceGroupNotFound, resourceNotFound, subscriptionNotFound } from './errors';
import { RECORD_SETS, type ResourceStore } from './store';
import { parseTarget, type ArmTarget } from './target';

/**
 * GET: what ARM answers for an item or a collection. Collections come back whole; the server pages them.
 * Existence is checked outside in, as ARM does: subscription, then resource group, then parent, then the resource.
 */
export type ReadResult = { item: JsonObject } | { items: readonly (ArmResource | JsonObject)[] };

export function requireScope(store: ResourceStore, target: ArmTarget): void {
  if (target.subscriptionId && !store.hasSubscription(target.subscriptionId))
    throw subscriptionNotFound(target.subscriptionId);
  if (
    target.subscriptionId &&
    target.resourceGroup &&
    !store.resourceGroup(target.subscriptionId, target.resourceGroup)
  )
    throw resourceGroupNotFound(target.resourceGroup);
}

/** The parent of a child collection or item must exist (ARM: ParentResourceNotFound). Returns it. */
export function requireParent(store: ResourceStore, parentPath: string): ArmResource {
  const parent = store.get(parentPath);
  if (!parent) throw parentNotFound(parseTarget(parentPath).name ?? parentPath);
  return parent;
}

function notFound(target: ArmTarget): Error {
  return resourceNotFound(target.typeName, target.name ?? '', target.resourceGroup);
}

/** A deep copy for the answer: what a client does with it never reaches the store. */
export function copy(resource: ArmResource | JsonObject): JsonObject {
  return structuredClone(resource) as JsonObject;
}

function embeddedItems(parent: ArmResource, property: string): JsonObject[] {
  return asArray(parent.properties?.[property])
    .map((value: JsonValue) => asObject(value))
    .filter((value): value is JsonObject => value !== undefined);
}

/** `GET /subscriptions/{s}/resources`: ARM's generic shape, no properties. Only `resourceType eq '...'` filters are understood. */
function genericResources(store: ResourceStore, target: ArmTarget, query: URLSearchParams): JsonObject[] {
  const filter = query.get('$filter');
  let type: string | undefined;
  if (filter) {
    const match = /^\s*resourceType\s+eq\s+'([^']+)'\s*$/i.exec(filter);
    if (!match?.[1])
      throw badRequest(
        'InvalidFilterInQueryString',
        `The $filter '${filter}' is not supported; use resourceType eq '<type>'.`,
      );
    type = match[1].toLowerCase();
  }
  return store
    .list('*', target.scope)
    .filter((r) => type === undefined || r.type.toLowerCase() === type)
    .map((r) => {
      const generic: JsonObject = { id: r.id, name: r.name, type: r.type };
      // The `Resource` model of arm-keyvault (whose Vaults.list calls this route): id, name, type, location, tags.
      if (r.location !== undefined) generic.location = r.location;
      generic.tags = r.tags ?? {};
      return generic;
    });
}

/** True when `outer` is `inner` or one of its ancestors (ARM scopes nest by path prefix; `/` is the root). */
export function scopeContains(outer: string, inner: string): boolean {
  const o = idKey(outer);
  const i = idKey(inner);
  return o === '' || o === i || i.startsWith(`${o}/`);
}

const MANAGEMENT_GROUP_SCOPE = /^\/providers\/microsoft\.management\/managementgroups\/[^/]+\/?$/i;

function quoted(filter: string, pattern: RegExp): string | undefined {
  return pattern.exec(filter)?.[1]?.toLowerCase();
}

/**
 * Role assignments for a scope (https://learn.microsoft.com/rest/api/authorization/role-assignments/list-for-scope):
 * without a filter, those at, above and below the scope; `atScope()` keeps those at or above;
 * `principalId eq '{id}'` and `assignedTo('{id}')` keep one principal's (group membership is not modelled).
 * The emulator has no management-group hierarchy: an assignment at a management group is above every
 * subscription, as ARM lists a subscription's inherited ones (Azure/azure-cli#30841).
 */
function roleAssignments(store: ResourceStore, scope: string, filter: string): ArmResource[] {
  const atScope = /atScope\(\)/i.test(filter);
  const aboveEverySubscription = (assignmentScope: string): boolean =>
    MANAGEMENT_GROUP_SCOPE.test(assignmentScope) && /^\/?subscriptions\//i.test(scope);
  const principal = quoted(filter, /principalId\s+eq\s+'([^']+)'/i) ?? quoted(filter, /assignedTo\('([^']+)'\)/i);
  return store.listEverywhere('Microsoft.Authorization/roleAssignments').filter((assignment) => {
    const assignmentScope = asString(assignment.properties?.scope) ?? parseTarget(assignment.id).scope;
    const inScope =
      scopeContains(assignmentScope, scope) ||
      aboveEverySubscription(assignmentScope) ||
      (!atScope && scopeContains(scope, assignmentScope));
    return (
      inScope && (principal === undefined || asString(assignment.properties?.principalId)?.toLowerCase() === principal)
    );
  });
}

/** Role definitions usable at a scope: built-in ones and custom ones assignable at or above it; `roleName eq` and `type eq` filters. */
function roleDefinitions(store: ResourceStore, scope: string, filter: string): ArmResource[] {
  const roleName = quoted(filter, /roleName\s+eq\s+'([^']+)'/i);
  const roleType = quoted(filter, /type\s+eq\s+'([^']+)'/i);
  return store.listEverywhere('Microsoft.Authorization/roleDefinitions').filter((definition) => {
    const properties = definition.properties ?? {};
    const builtIn = asString(properties.type)?.toLowerCase() === 'builtinrole';
    const assignable =
      builtIn || asStrings(properties.assignableScopes).some((s) => s === '/' || scopeContains(s, scope));
    return (
      assignable &&
      (roleName === undefined || asString(properties.roleName)?.toLowerCase() === roleName) &&
      (roleType === undefined || asString(properties.type)?.toLowerCase() === roleType)
    );
  });
}

/** The stored objects themselves: the server copies only the page it answers. */
function readCollection(
  store: ResourceStore,
  target: ArmTarget,
  query: URLSearchParams,
): readonly (ArmResource | JsonObject)[] {
  const spec = target.spec;
  if (!spec) return [];
  if (spec === RESOURCE_GROUPS) return store.resourceGroups(target.subscriptionId ?? '');
  if (spec === GENERIC_RESOURCES) return genericResources(store, target, query);
  if (spec === ALL_RECORD_SETS) return store.list(RECORD_SETS, requireParent(store, target.scope).id);
  switch (spec.kind) {
    case 'tracked':
      if (target.scopeKind !== 'subscription' && target.scopeKind !== 'resourceGroup') throw notFound(target);
      return store.list(spec.type, target.scope);
    case 'child':
      return store.list(spec.type, requireParent(store, target.scope).id);
    case 'embedded':
      return embeddedItems(requireParent(store, target.scope), spec.embeddedIn ?? '');
    case 'extension': {
      if (target.scopeKind === 'resource' && !store.get(target.scope))
        throw resourceNotFound(
          parseTarget(target.scope).typeName,
          parseTarget(target.scope).name ?? '',
          target.resourceGroup,
        );
      const filter = query.get('$filter') ?? '';
      if (spec.type === 'Microsoft.Authorization/roleAssignments') return roleAssignments(store, target.scope, filter);
      if (spec.type === 'Microsoft.Authorization/roleDefinitions') return roleDefinitions(store, target.scope, filter);
      return store.list(spec.type, target.scope);
    }
  }
}

function readItem(store: ResourceStore, target: ArmTarget): JsonObject {
  const spec = target.spec;
  if (spec === SUBSCRIPTIONS) {
    const id = target.subscriptionId ?? '';
    return {
      id: `/subscriptions/${id}`,
      subscriptionId: id,
      tenantId: TENANT,
      displayName: `Subscription ${id}`,
      state: 'Enabled',
    };
  }
  if (spec === RESOURCE_GROUPS) {
    const group = store.resourceGroup(target.subscriptionId ?? '', target.name ?? '');
    if (!group) throw resourceGroupNotFound(target.name ?? '');
    return copy(group);
  }
  if (spec?.kind === 'embedded') {
    const parent = requireParent(store, target.scope);
    const found = embeddedItems(parent, spec.embeddedIn ?? '').find(
      (e) =>
        idKey(asString(e.id) ?? '') === idKey(target.path) ||
        asString(e.name)?.toLowerCase() === target.name?.toLowerCase(),
    );
    if (!found) throw notFound(target);
    return copy(found);
  }
  if (spec?.kind === 'child') requireParent(store, target.scope);
  const resource = store.get(target.path);
  if (resource) return copy(resource);
  if (spec?.type === 'Microsoft.Authorization/roleDefinitions') {
    // Built-in role definitions answer under any scope.
    const byName = store.listEverywhere(spec.type).find((d) => d.name.toLowerCase() === target.name?.toLowerCase());
    if (byName) return copy(byName);
  }
  throw notFound(target);
}

export function read(store: ResourceStore, target: ArmTarget, query: URLSearchParams): ReadResult {
  requireScope(store, target);
  return target.collection ? { items: readCollection(store, target, query) } : { item: readItem(store, target) };
}
