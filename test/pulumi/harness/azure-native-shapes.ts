import * as fs from 'node:fs';
import * as path from 'node:path';
import { Unknown, isObject, type PropertyMap, type PropertyValue } from './marshal';

/**
 * azure-native's own output shapes, read from the SDK the stacks use (node_modules/@pulumi/azure-native: each
 * resource class's `readonly x: pulumi.Output<T>` fields and the `...Response` interfaces of
 * types/output.d.ts), and its provider's preview behaviour, re-stated from pulumi/pulumi-azure-native
 * provider/pkg/convert (SdkShapeConverter.PreviewOutputs): "takes the provided resource inputs and maps them
 * to the outputs shape, adding unknowns for all properties that are not defined in inputs"; a value whose
 * type does not match its input (an unknown where an object is expected) becomes unknown as a whole. On an
 * update the provider keeps `name` and `location` from the old state (provider.go Update:
 * `stableOutputs := []string{"name", "location"}`).
 */
export type Shape =
  | { kind: 'scalar'; type: 'string' | 'number' | 'boolean' }
  | { kind: 'any' }
  | { kind: 'map' }
  | { kind: 'array'; items: Shape }
  | { kind: 'ref'; name: string };

export type Fields = Map<string, Shape>;

const ROOT = path.dirname(require.resolve('@pulumi/azure-native/package.json'));

let interfaces: Map<string, Fields> | undefined;

/** `outputs.keyvault.VaultPropertiesResponse` → its fields; parsed once (types/output.d.ts is ~9 MB). */
function outputInterfaces(): Map<string, Fields> {
  if (interfaces) return interfaces;
  interfaces = new Map();
  const lines = fs.readFileSync(path.join(ROOT, 'types', 'output.d.ts'), 'utf8').split('\n');
  let namespace = '';
  let current: Fields | undefined;
  let skipUntil: string | undefined;
  for (const line of lines) {
    if (skipUntil !== undefined) {
      if (line === skipUntil) skipUntil = undefined;
      continue;
    }
    const ns = /^export declare namespace (\w+) \{/.exec(line);
    if (ns?.[1]) {
      namespace = ns[1];
      continue;
    }
    const open = /^ {4}interface (\w+) \{/.exec(line);
    if (open?.[1]) {
      current = new Map();
      interfaces.set(`${namespace}.${open[1]}`, current);
      continue;
    }
    if (/^ {4}\}/.test(line)) {
      current = undefined;
      continue;
    }
    const field = /^ {8}(\w+)\??: (.*)$/.exec(line);
    if (!field?.[1] || field[2] === undefined || !current) continue;
    let type = field[2];
    if (type === '{') {
      skipUntil = '        };';
      type = 'map';
    }
    current.set(field[1], shapeOf(type.replace(/;$/, ''), namespace));
  }
  return interfaces;
}

function shapeOf(text: string, namespace: string): Shape {
  const type = text.replace(/\s*\|\s*undefined$/, '').trim();
  if (type === 'map' || type.startsWith('{')) return { kind: 'map' };
  if (type.endsWith('[]')) return { kind: 'array', items: shapeOf(type.slice(0, -2), namespace) };
  if (type === 'string' || type === 'number' || type === 'boolean') return { kind: 'scalar', type };
  if (/^"[^"]*"(\s*\|\s*"[^"]*")*$/.test(type)) return { kind: 'scalar', type: 'string' };
  const ref = /^outputs\.(\w+)\.(\w+)$/.exec(type);
  if (ref?.[1] && ref[2]) return { kind: 'ref', name: `${ref[1]}.${ref[2]}` };
  if (/^\w+$/.test(type) && type !== 'any') return { kind: 'ref', name: `${namespace}.${type}` };
  return { kind: 'any' };
}

/** `azure-native:keyvault:Vault` → the resource class's output fields (with `id`, which every resource has). */
export function resourceOutputs(token: string): Fields {
  const [, module = '', name = ''] = token.split(':');
  const file = path.join(ROOT, module, `${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`);
  const fields: Fields = new Map([['id', { kind: 'scalar', type: 'string' }]]);
  const text = fs.readFileSync(file, 'utf8');
  const body = text.slice(text.indexOf(`export declare class ${name} `));
  for (const match of body.matchAll(/^ {4}readonly (\w+): pulumi\.Output<([^>]*?)>;$/gm)) {
    if (match[1] && match[2] !== undefined) fields.set(match[1], shapeOf(match[2], module));
  }
  // `tags: pulumi.Output<{ [key: string]: string } | undefined>` spans lines.
  for (const match of body.matchAll(/^ {4}readonly (\w+): pulumi\.Output<\{$/gm))
    if (match[1]) fields.set(match[1], { kind: 'map' });
  return fields;
}

function previewValue(input: PropertyValue, shape: Shape): PropertyValue {
  if (input === Unknown) return Unknown;
  switch (shape.kind) {
    case 'scalar':
      return typeof input === shape.type ? input : Unknown;
    case 'any':
      return input;
    case 'map':
      return isObject(input) ? input : Unknown;
    case 'array':
      return Array.isArray(input) ? input.map((item) => previewValue(item, shape.items)) : Unknown;
    case 'ref': {
      const fields = outputInterfaces().get(shape.name);
      return isObject(input) && fields ? previewOutputs(input, fields) : Unknown;
    }
  }
}

/** SdkShapeConverter.PreviewOutputs: every output field, from the input of that name or unknown. */
export function previewOutputs(inputs: PropertyMap, fields: Fields): PropertyMap {
  const result: PropertyMap = {};
  for (const [name, shape] of fields) {
    const input = inputs[name];
    result[name] = input === undefined ? Unknown : previewValue(input, shape);
  }
  return result;
}

/** The planned outputs of a resource azure-native creates (`pulumi preview` of a new stack). */
export function plannedCreate(token: string, inputs: PropertyMap): PropertyMap {
  return previewOutputs(inputs, resourceOutputs(token));
}

/** The planned outputs of an update: as for a create, then `name` and `location` from the old state. */
export function plannedUpdate(token: string, inputs: PropertyMap, old: PropertyMap): PropertyMap {
  const planned = plannedCreate(token, inputs);
  for (const key of ['name', 'location']) if (old[key] !== undefined) planned[key] = old[key] as PropertyValue;
  return planned;
}
