import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

/**
 * Microsoft's generated models, read from the installed SDKs, as the judge of what the emulator answers.
 *
 * The TypeSpec-generated packages (@azure/arm-keyvault 5, arm-network 39, arm-privatedns 4, arm-monitor 8,
 * arm-resourcegraph 5) ship no mapper objects: each model has a `xxxDeserializer(item)` that reads exactly the
 * wire properties the spec defines (`item["properties"]`, with the spec's casing) and a `.d.ts` interface that
 * says which are required, read-only and of which type (an extensible enum is `type T = string` with a
 * `KnownT` enum listing the spec's values). The checks:
 *   1. wire properties: the body is handed to the SDK's own deserializer through a recording proxy; any
 *      property it never read is one the model does not define (a misspelling, a wrong casing, a wrong
 *      nesting, an invented field);
 *   2. the deserialized object is walked against the `.d.ts`: JSON types, enum values, required properties.
 * arm-authorization 9 is a classic core-client package: its `Mappers` (serializedName, type, allowedValues,
 * required, readOnly) are read from its `src/models/mappers.ts` and the wire body is walked against them.
 */
export interface ModelRef {
  /** `@azure/arm-keyvault` … */
  sdk: string;
  /** The `.d.ts`/`.js` models file under the package's dist/commonjs (modular SDKs), or `mappers` (classic). */
  file: string;
  /** Interface / mapper name, e.g. `Vault`; its deserializer is `vaultDeserializer`. */
  model: string;
}

export type Problem = string;

const packageRoot = (sdk: string): string => dirname(require.resolve(`${sdk}/package.json`));

// ---------------------------------------------------------------- modular SDKs (TypeSpec)

interface ModularModels {
  program: ts.Program;
  checker: ts.TypeChecker;
  enums: Map<string, string[]>;
}

const modular = new Map<string, ModularModels>();

function modelsFile(ref: ModelRef): string {
  return join(packageRoot(ref.sdk), 'dist', 'commonjs', ref.file);
}

function modularModels(ref: ModelRef): ModularModels {
  // One program per package over all its model files: they import each other (arm-network's network/models
  // imports common/models), so each is parsed once.
  const key = ref.sdk;
  let models = modular.get(key);
  if (models) return models;
  const program = ts.createProgram(
    modelFiles(ref.sdk).map((file) => `${modelsFile({ ...ref, file })}.d.ts`),
    { noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'] },
  );
  const checker = program.getTypeChecker();
  const enums = new Map<string, string[]>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.includes('/node_modules/@azure/')) continue;
    file.forEachChild((node) => {
      if (ts.isEnumDeclaration(node))
        enums.set(
          node.name.text,
          node.members.map((m) => String(checker.getConstantValue(m))),
        );
    });
  }
  models = { program, checker, enums };
  modular.set(key, models);
  return models;
}

function interfaceType(models: ModularModels, ref: ModelRef): ts.Type {
  const source = models.program.getSourceFile(`${modelsFile(ref)}.d.ts`);
  const declaration = source?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === ref.model,
  );
  if (!declaration) throw new Error(`${ref.sdk} ${ref.file}: no interface ${ref.model}`);
  return models.checker.getTypeAtLocation(declaration);
}

function deserializerOf(ref: ModelRef): (item: unknown) => unknown {
  const module = require(`${modelsFile(ref)}.js`) as Record<string, unknown>;
  const name = `${ref.model.startsWith('_') ? '_' : ''}${ref.model.replace(/^_/, '').replace(/^./, (c) => c.toLowerCase())}Deserializer`;
  const deserializer = module[name];
  if (typeof deserializer !== 'function') throw new Error(`${ref.sdk} ${ref.file}: no ${name}`);
  return deserializer as (item: unknown) => unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Wraps `value` so every property read (present or not) is recorded by its JSON pointer. */
function recording(value: unknown, path: string, reads: Set<string>, touched: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(target, key, receiver) as unknown;
      const child = Reflect.get(target, key, receiver) as unknown;
      if (Array.isArray(target) && !/^\d+$/.test(key)) return child;
      touched.add(path);
      reads.add(`${path}/${key}`);
      return recording(child, `${path}/${key}`, reads, touched);
    },
    ownKeys(target) {
      touched.add(path);
      for (const key of Reflect.ownKeys(target)) if (typeof key === 'string') reads.add(`${path}/${key}`);
      return Reflect.ownKeys(target);
    },
  });
}

/** Wire properties the deserializer never read, in objects it did read (untouched objects are free-form). */
function unreadProperties(value: unknown, path: string, reads: Set<string>, touched: Set<string>): Problem[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unreadProperties(v, `${path}/${i}`, reads, touched));
  if (!touched.has(path)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    reads.has(`${path}/${key}`)
      ? unreadProperties(child, `${path}/${key}`, reads, touched)
      : [`${path}/${key}: not defined by the model`],
  );
}

function declaredTypeName(symbol: ts.Symbol): string | undefined {
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (declaration && ts.isPropertySignature(declaration) && declaration.type)
    return declaration.type.getText().replace(/\[\]$/, '');
  return undefined;
}

function isOptional(symbol: ts.Symbol): boolean {
  return (symbol.flags & ts.SymbolFlags.Optional) !== 0;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}

/** Walks a deserialized value against its `.d.ts` type. `enumName`: the alias the property was declared with. */
function walk(models: ModularModels, type: ts.Type, value: unknown, path: string, enumName?: string): Problem[] {
  const checker = models.checker;
  if (value === undefined || value === null) return [];
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
  if (type.isUnion()) {
    const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    if (members.length > 0 && members.every((t) => t.isStringLiteral())) {
      const allowed = members.map((t) => (t as ts.StringLiteralType).value);
      return allowed.includes(value as string)
        ? []
        : [`${path}: '${String(value)}' is not one of ${allowed.join(', ')}`];
    }
    if (members.every((t) => t.flags & ts.TypeFlags.BooleanLiteral))
      return typeof value === 'boolean' ? [] : [`${path}: expected boolean, got ${jsonKind(value)}`];
    if (members.length === 1 && members[0]) return walk(models, members[0], value, path, enumName);
    return [];
  }
  if (type.flags & ts.TypeFlags.StringLike) {
    if (typeof value !== 'string') return [`${path}: expected string, got ${jsonKind(value)}`];
    const known = enumName ? models.enums.get(`Known${enumName}`) : undefined;
    // Extensible enums: the spec's values are the ones the service sends; the emulator must use one of them.
    return known && !known.includes(value) ? [`${path}: '${value}' is not one of ${known.join(', ')}`] : [];
  }
  if (type.flags & ts.TypeFlags.NumberLike)
    return typeof value === 'number' ? [] : [`${path}: expected number, got ${jsonKind(value)}`];
  if (type.flags & ts.TypeFlags.BooleanLike)
    return typeof value === 'boolean' ? [] : [`${path}: expected boolean, got ${jsonKind(value)}`];
  if (type.symbol?.name === 'Date')
    return value instanceof Date && !Number.isNaN(value.getTime()) ? [] : [`${path}: expected a date-time`];
  if (checker.isArrayType(type)) {
    if (!Array.isArray(value)) return [`${path}: expected array, got ${jsonKind(value)}`];
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    return element ? value.flatMap((v, i) => walk(models, element, v, `${path}/${i}`, enumName)) : [];
  }
  if (jsonKind(value) !== 'object') return [`${path}: expected object, got ${jsonKind(value)}`];
  const record = value as Record<string, unknown>;
  const index = type.getStringIndexType();
  if (index) return Object.entries(record).flatMap(([k, v]) => walk(models, index, v, `${path}/${k}`));
  const problems: Problem[] = [];
  const properties = checker.getPropertiesOfType(type);
  for (const property of properties) {
    const child = record[property.name];
    if (child === undefined) {
      if (!isOptional(property)) problems.push(`${path}/${property.name}: required by the model, missing`);
      continue;
    }
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration) continue;
    problems.push(
      ...walk(
        models,
        checker.getTypeOfSymbolAtLocation(property, declaration),
        child,
        `${path}/${property.name}`,
        declaredTypeName(property),
      ),
    );
  }
  return problems;
}

function checkModular(ref: ModelRef, body: Json): Problem[] {
  const models = modularModels(ref);
  const deserialize = deserializerOf(ref);
  const reads = new Set<string>();
  const touched = new Set<string>();
  try {
    deserialize(recording(body, '', reads, touched));
  } catch (error) {
    return [`the SDK's deserializer threw: ${String(error)}`];
  }
  return [
    ...unreadProperties(body, '', reads, touched),
    ...walk(models, interfaceType(models, ref), deserialize(structuredClone(body)), ''),
  ];
}

// ---------------------------------------------------------------- read-only properties

function serializerOf(ref: ModelRef): ((item: unknown) => unknown) | undefined {
  const module = require(`${modelsFile(ref)}.js`) as Record<string, unknown>;
  const serializer = module[`${ref.model.replace(/^./, (c) => c.toLowerCase())}Serializer`];
  return typeof serializer === 'function' ? (serializer as (item: unknown) => unknown) : undefined;
}

function leafPaths(value: unknown, path: string, out: Set<string>): Set<string> {
  if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value as Record<string, unknown>))
      leafPaths(child, `${path}/${key}`, out);
  else if (value !== undefined) out.add(path);
  return out;
}

/**
 * The wire paths of `body` the model marks read-only: what the SDK's own round trip (deserialize, then serialize
 * for a PUT) drops. Undefined for models without a serializer (classic mappers, list results).
 */
export function readOnlyPaths(ref: ModelRef, body: unknown): string[] | undefined {
  if (ref.file === 'mappers' || ref.sdk === 'spec') return undefined;
  const serialize = serializerOf(ref);
  if (!serialize) return undefined;
  const sent = leafPaths(
    JSON.parse(JSON.stringify(serialize(deserializerOf(ref)(structuredClone(body))))),
    '',
    new Set(),
  );
  return [...leafPaths(body, '', new Set())].filter((path) => !sent.has(path));
}

// ---------------------------------------------------------------- models found by name (new types)

function modelFiles(sdk: string): string[] {
  const root = join(packageRoot(sdk), 'dist', 'commonjs', 'models');
  const out: string[] = [];
  const walkDir = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walkDir(join(dir, entry.name));
      else if (entry.name === 'models.d.ts') out.push(join(dir, entry.name));
    }
  };
  walkDir(root);
  return out.map((file) => relative(join(packageRoot(sdk), 'dist', 'commonjs'), file).replace(/\.d\.ts$/, ''));
}

function interfaces(ref: { sdk: string; file: string }): ts.InterfaceDeclaration[] {
  const models = modularModels({ ...ref, model: '' });
  const source = models.program.getSourceFile(`${modelsFile({ ...ref, model: '' })}.d.ts`);
  const statements: readonly ts.Statement[] = source?.statements ?? [];
  return statements.filter((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s));
}

/** `privateEndpoints` → `privateendpoint`, `firewallPolicies` → `firewallpolicy` (lower case, for matching). */
function singular(segment: string): string {
  const lower = segment.toLowerCase();
  if (lower.endsWith('ies')) return `${lower.slice(0, -3)}y`;
  return lower.endsWith('s') ? lower.slice(0, -1) : lower;
}

/**
 * The item and list models of a type no one listed, found by the SDK's naming: the interface named after the
 * type's last segment (singular, any casing: `virtualWans` → `VirtualWAN`) and the `_…` list interface whose
 * `value` is an array of it. Undefined when the SDK has no such model (the conformance test then fails).
 */
export function modelsByName(sdk: string, type: string): { item?: ModelRef; list?: ModelRef } {
  let packageFound = true;
  try {
    packageRoot(sdk);
  } catch {
    packageFound = false;
  }
  if (!packageFound) return {};
  const wanted = singular(type.split('/').pop() ?? '');
  if (existsSync(join(packageRoot(sdk), 'src', 'models', 'mappers.ts'))) {
    // A classic core-client package (e.g. @azure/arm-dnsresolver 1): `DnsResolver` and `DnsResolverListResult`.
    const names = Object.keys(mappersOf(sdk));
    const item = names.find((n) => n.toLowerCase() === wanted);
    if (!item) return {};
    const list = names.find((n) => n.toLowerCase() === `${wanted}listresult`);
    return {
      item: { sdk, file: 'mappers', model: item },
      ...(list ? { list: { sdk, file: 'mappers', model: list } } : {}),
    };
  }
  const files = modelFiles(sdk);
  let item: ModelRef | undefined;
  for (const file of files) {
    const found = interfaces({ sdk, file }).find((i) => i.name.text.toLowerCase() === wanted);
    if (found) {
      item = { sdk, file, model: found.name.text };
      break;
    }
  }
  if (!item) return {};
  for (const file of files) {
    const list = interfaces({ sdk, file }).find(
      (i) =>
        i.name.text.startsWith('_') &&
        i.members.some(
          (m) => ts.isPropertySignature(m) && m.name.getText() === 'value' && m.type?.getText() === `${item?.model}[]`,
        ),
    );
    if (list) return { item, list: { sdk, file, model: list.name.text } };
  }
  return { item };
}

// ---------------------------------------------------------------- classic SDKs (core-client mappers)

interface Mapper {
  serializedName?: string;
  required?: boolean;
  readOnly?: boolean;
  type: {
    name: string;
    className?: string;
    modelProperties?: Record<string, Mapper>;
    allowedValues?: string[];
    element?: Mapper;
    value?: Mapper;
  };
}

const classic = new Map<string, Record<string, Mapper>>();

/** The package's `src/models/mappers.ts`, transpiled and evaluated: plain objects, no code of ours in them. */
function mappersOf(sdk: string): Record<string, Mapper> {
  let mappers = classic.get(sdk);
  if (mappers) return mappers;
  const source = readFileSync(join(packageRoot(sdk), 'src', 'models', 'mappers.ts'), 'utf8');
  const output = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const exports: Record<string, Mapper> = {};
  new Function('exports', 'require', output)(exports, () => ({}));
  mappers = exports;
  classic.set(sdk, mappers);
  return mappers;
}

function walkMapper(mappers: Record<string, Mapper>, mapper: Mapper, value: unknown, path: string): Problem[] {
  if (value === undefined || value === null) return [];
  const type = mapper.type;
  switch (type.name) {
    case 'String':
      return typeof value === 'string' ? [] : [`${path}: expected string, got ${jsonKind(value)}`];
    case 'Uuid':
      return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? [] : [`${path}: expected a uuid`];
    case 'Number':
      return typeof value === 'number' ? [] : [`${path}: expected number, got ${jsonKind(value)}`];
    case 'Boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected boolean, got ${jsonKind(value)}`];
    case 'DateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [`${path}: expected a date-time`];
    case 'Enum':
      return (type.allowedValues ?? []).includes(value as string)
        ? []
        : [`${path}: '${String(value)}' is not one of ${(type.allowedValues ?? []).join(', ')}`];
    case 'Sequence':
      if (!Array.isArray(value)) return [`${path}: expected array, got ${jsonKind(value)}`];
      return type.element
        ? value.flatMap((v, i) => walkMapper(mappers, type.element as Mapper, v, `${path}/${i}`))
        : [];
    case 'Dictionary':
      if (jsonKind(value) !== 'object') return [`${path}: expected object, got ${jsonKind(value)}`];
      return type.value
        ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
            walkMapper(mappers, type.value as Mapper, v, `${path}/${k}`),
          )
        : [];
    case 'Composite':
      return walkComposite(mappers, mapper, value, path);
    default:
      return [];
  }
}

/** A composite: flattened `properties.x` serialized names nest on the wire, as core-client reads them. */
function walkComposite(mappers: Record<string, Mapper>, mapper: Mapper, value: unknown, path: string): Problem[] {
  if (jsonKind(value) !== 'object') return [`${path}: expected object, got ${jsonKind(value)}`];
  const properties = mapper.type.modelProperties ?? mappers[mapper.type.className ?? '']?.type.modelProperties ?? {};
  type Node = { mapper: Mapper } | { children: Record<string, Mapper> };
  const tree: Record<string, Node> = {};
  for (const property of Object.values(properties)) {
    const [head = '', ...rest] = (property.serializedName ?? '').split('.');
    if (rest.length === 0) tree[head] = { mapper: property };
    else {
      const node = (tree[head] ??= { children: {} });
      if ('children' in node) node.children[rest.join('.')] = { ...property, serializedName: rest.join('.') };
    }
  }
  const record = value as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const [key, child] of Object.entries(record)) {
    const node = tree[key];
    if (!node) problems.push(`${path}/${key}: not defined by the model`);
    else if ('mapper' in node) problems.push(...walkMapper(mappers, node.mapper, child, `${path}/${key}`));
    else
      problems.push(
        ...walkComposite(
          mappers,
          { type: { name: 'Composite', modelProperties: node.children } },
          child,
          `${path}/${key}`,
        ),
      );
  }
  for (const [key, node] of Object.entries(tree))
    if ('mapper' in node && node.mapper.required && record[key] === undefined)
      problems.push(`${path}/${key}: required by the model, missing`);
  return problems;
}

const str = (serializedName: string, readOnly = false): Mapper => ({
  serializedName,
  readOnly,
  type: { name: 'String' },
});
const tags: Mapper = { serializedName: 'tags', type: { name: 'Dictionary', value: { type: { name: 'String' } } } };

/**
 * Microsoft.Resources models no shipped SDK carries, written in mapper form from Microsoft's spec:
 * resources/stable/2024-03-01/resources.json (ResourceGroup, ResourceGroupProperties, ResourceGroupListResult)
 * and subscriptions/stable/2022-12-01/subscriptions.json (Subscription, SubscriptionPolicies).
 */
const RESOURCES_SPEC: Record<string, Mapper> = {
  ResourceGroup: {
    type: {
      name: 'Composite',
      modelProperties: {
        id: str('id', true),
        name: str('name', true),
        type: str('type', true),
        provisioningState: str('properties.provisioningState', true),
        location: { ...str('location'), required: true },
        managedBy: str('managedBy'),
        tags,
      },
    },
  },
  ResourceGroupListResult: {
    type: {
      name: 'Composite',
      modelProperties: {
        value: {
          serializedName: 'value',
          type: { name: 'Sequence', element: { type: { name: 'Composite', className: 'ResourceGroup' } } },
        },
        nextLink: str('nextLink', true),
      },
    },
  },
  Subscription: {
    type: {
      name: 'Composite',
      modelProperties: {
        id: str('id', true),
        subscriptionId: str('subscriptionId', true),
        displayName: str('displayName', true),
        tenantId: str('tenantId', true),
        state: {
          serializedName: 'state',
          type: { name: 'Enum', allowedValues: ['Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted'] },
        },
        subscriptionPolicies: {
          serializedName: 'subscriptionPolicies',
          type: {
            name: 'Composite',
            modelProperties: {
              locationPlacementId: str('locationPlacementId', true),
              quotaId: str('quotaId', true),
              spendingLimit: {
                serializedName: 'spendingLimit',
                type: { name: 'Enum', allowedValues: ['On', 'Off', 'CurrentPeriodOff'] },
              },
            },
          },
        },
        authorizationSource: str('authorizationSource'),
        managedByTenants: {
          serializedName: 'managedByTenants',
          type: {
            name: 'Sequence',
            element: { type: { name: 'Composite', modelProperties: { tenantId: str('tenantId', true) } } },
          },
        },
        tags,
      },
    },
  },
};

function checkClassic(ref: ModelRef, body: Json): Problem[] {
  const mappers = ref.sdk === 'spec' ? RESOURCES_SPEC : mappersOf(ref.sdk);
  const mapper = mappers[ref.model];
  if (!mapper) return [`${ref.sdk}: no mapper ${ref.model}`];
  return walkMapper(mappers, mapper, body, '');
}

/** Everything wrong with `body` as an instance of `ref` (empty when it conforms). */
export function modelProblems(ref: ModelRef, body: unknown): Problem[] {
  return ref.file === 'mappers' || ref.sdk === 'spec'
    ? checkClassic(ref, body as Json)
    : checkModular(ref, body as Json);
}
