import type { JsonObject, JsonValue } from '../model/arm';
import { UNKNOWN } from '../model/planned';
import type { TerraformInstance } from './document';

export type AttributePath = readonly (string | number)[];

/**
 * One instance's values read the way Terraform wrote them: a value is known, unknown until apply (`true`
 * somewhere on its path in `after_unknown`), or absent. Unknown values come back as the UNKNOWN marker, so a
 * mapper copies them into the ARM resource exactly where the value will be.
 */
export class Attributes {
  constructor(readonly instance: TerraformInstance) {}

  /** The known value at `path`, UNKNOWN, or undefined when the attribute is absent or null. */
  get(...path: AttributePath): JsonValue | undefined {
    if (this.isUnknown(path)) return UNKNOWN;
    let current: JsonValue | undefined = this.instance.values;
    for (const key of path) {
      if (current === null || current === undefined || typeof current !== 'object') return undefined;
      current = (current as Record<string | number, JsonValue>)[key];
    }
    return current === null ? undefined : current;
  }

  string(...path: AttributePath): string | typeof UNKNOWN | undefined {
    const value = this.get(...path);
    return typeof value === 'string' ? value : undefined;
  }

  bool(...path: AttributePath): boolean | typeof UNKNOWN | undefined {
    const value = this.get(...path);
    return value === UNKNOWN ? UNKNOWN : typeof value === 'boolean' ? value : undefined;
  }

  number(...path: AttributePath): number | typeof UNKNOWN | undefined {
    const value = this.get(...path);
    return value === UNKNOWN ? UNKNOWN : typeof value === 'number' ? value : undefined;
  }

  /** A list attribute or block: its elements (an unknown element stays UNKNOWN), [] when absent, UNKNOWN when the whole list is. */
  list(...path: AttributePath): JsonValue[] | typeof UNKNOWN {
    const value = this.get(...path);
    if (value === UNKNOWN) return UNKNOWN;
    if (!Array.isArray(value)) return [];
    return value.map((_, index) => this.get(...path, index) ?? null);
  }

  /** Nested blocks as objects of their own: `blocks('network_acls')` → one Attributes view per block. */
  blocks(...path: AttributePath): BlockView[] | typeof UNKNOWN {
    const list = this.list(...path);
    if (list === UNKNOWN) return UNKNOWN;
    return list.map((_, index) => new BlockView(this, [...path, index]));
  }

  isUnknown(path: AttributePath): boolean {
    let marker: JsonValue | undefined = this.instance.unknown;
    if (marker === true) return true;
    for (const key of path) {
      if (marker === null || marker === undefined || typeof marker !== 'object') return false;
      marker = (marker as Record<string | number, JsonValue>)[key];
      if (marker === true) return true;
    }
    return false;
  }
}

/** A nested block, read relative to its path in the instance. */
export class BlockView {
  constructor(
    private readonly owner: Attributes,
    readonly path: AttributePath,
  ) {}
  get(...path: AttributePath): JsonValue | undefined {
    return this.owner.get(...this.path, ...path);
  }
  string(...path: AttributePath): string | typeof UNKNOWN | undefined {
    return this.owner.string(...this.path, ...path);
  }
  bool(...path: AttributePath): boolean | typeof UNKNOWN | undefined {
    return this.owner.bool(...this.path, ...path);
  }
  number(...path: AttributePath): number | typeof UNKNOWN | undefined {
    return this.owner.number(...this.path, ...path);
  }
  list(...path: AttributePath): JsonValue[] | typeof UNKNOWN {
    return this.owner.list(...this.path, ...path);
  }
  blocks(...path: AttributePath): BlockView[] | typeof UNKNOWN {
    return this.owner.blocks(...this.path, ...path);
  }
}

/** Drops absent values so an ARM body carries only what the plan sets. */
export function compact(object: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = value;
  return out;
}
