import type { ArmResource, JsonValue } from '../model/arm';
import type { CloudName } from '../model/cloud';
import { UNKNOWN } from '../model/planned';
import { Attributes, type AttributePath } from './attributes';
import type { TerraformDocument, TerraformInstance } from './document';
import { ConfigIndex } from './references';

/** An ARM resource the plan yields, with the Terraform address that declares it. */
export interface PlannedResource {
  resource: ArmResource;
  address: string;
  /** The plan creates it: nothing but the plan's own children exists in it yet. */
  created: boolean;
  /** Written by Azure as a side effect of another resource (a zone group's A record): a declared resource wins. */
  effect?: boolean;
}

/** A change one resource makes to another (an association, an inline rule, an access policy). */
export interface Patch {
  targetId: string;
  address: string;
  apply(target: ArmResource): void;
}

export const PLACEHOLDER_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
/** Where the plan leaves a name to Azure or to apply: ids stay unique and say so. */
export const UNKNOWN_NAME = '(known after apply)';

/** Everything a mapper may ask about the plan: values, ARM ids of other instances, the subscription, the cloud. */
export class PlanContext {
  readonly config: ConfigIndex;
  private readonly byConfigAddress = new Map<string, TerraformInstance[]>();
  private readonly ids = new Map<string, string | undefined>();
  private readonly resolving = new Set<string>();

  constructor(
    readonly document: TerraformDocument,
    readonly subscriptionId: string,
    readonly cloud: CloudName,
    private readonly idFor: (instance: TerraformInstance, context: PlanContext) => string | undefined,
  ) {
    this.config = new ConfigIndex(document.configuration);
    for (const instance of document.instances) {
      const list = this.byConfigAddress.get(instance.configAddress) ?? [];
      list.push(instance);
      this.byConfigAddress.set(instance.configAddress, list);
    }
  }

  attributes(instance: TerraformInstance): Attributes {
    return new Attributes(instance);
  }

  /** The ARM id of an instance: its known `id`, else built from its names. */
  armId(instance: TerraformInstance): string | undefined {
    if (this.ids.has(instance.address)) return this.ids.get(instance.address);
    if (this.resolving.has(instance.address)) return undefined;
    this.resolving.add(instance.address);
    const known = new Attributes(instance).string('id');
    const id = typeof known === 'string' && known.startsWith('/') ? known : this.idFor(instance, this);
    this.resolving.delete(instance.address);
    this.ids.set(instance.address, id);
    return id;
  }

  /**
   * An ARM id held in an attribute: the known value; else, when it is "known after apply", the id of the one
   * resource its expression references (`azurerm_key_vault.kv.id`); else UNKNOWN. Undefined when absent.
   */
  reference(instance: TerraformInstance, ...path: AttributePath): string | typeof UNKNOWN | undefined {
    const attributes = new Attributes(instance);
    const value = attributes.get(...path);
    if (value === UNKNOWN) {
      const referenced = this.referencedInstance(instance, path);
      return (referenced && this.armId(referenced)) ?? UNKNOWN;
    }
    return typeof value === 'string' ? value : undefined;
  }

  /** The single instance an attribute's expression refers to, when there is exactly one. */
  referencedInstance(instance: TerraformInstance, path: AttributePath): TerraformInstance | undefined {
    const addresses = this.config.referencedResources(instance.modulePath, instance.configAddress, path);
    const candidates = addresses.flatMap((a) => this.byConfigAddress.get(a) ?? []);
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** A list of ARM ids (`private_dns_zone_ids`): known elements kept, unknown ones resolved through references. */
  references(instance: TerraformInstance, ...path: AttributePath): string[] | typeof UNKNOWN {
    const attributes = new Attributes(instance);
    const list = attributes.list(...path);
    if (list === UNKNOWN) {
      const referenced = this.referencedInstance(instance, path);
      const id = referenced && this.armId(referenced);
      return id ? [id] : UNKNOWN;
    }
    const out: string[] = [];
    for (const [index, value] of list.entries()) {
      const resolved =
        typeof value === 'string' && value !== UNKNOWN ? value : this.reference(instance, ...path, index);
      if (resolved === UNKNOWN) return UNKNOWN;
      if (resolved !== undefined) out.push(resolved);
    }
    return out;
  }

  /** `/subscriptions/{s}/resourceGroups/{rg}/providers/{type}/{name}` from an instance's names. */
  resourceId(instance: TerraformInstance, type: string, nameAttribute = 'name'): string {
    const attributes = new Attributes(instance);
    const name = known(attributes.get(nameAttribute)) ?? UNKNOWN_NAME;
    return `${this.groupId(instance)}/providers/${type}/${name}`;
  }

  groupId(instance: TerraformInstance): string {
    const group = known(new Attributes(instance).get('resource_group_name')) ?? UNKNOWN_NAME;
    return `/subscriptions/${this.subscriptionFor(instance)}/resourceGroups/${group}`;
  }

  /** The subscription of the instance's provider configuration (an aliased hub provider), else the plan's. */
  subscriptionFor(instance: TerraformInstance): string {
    return this.config.subscriptionOf(instance.modulePath, instance.configAddress) ?? this.subscriptionId;
  }
}

/** A known ARM id (or other string), not the UNKNOWN marker. */
export function isKnown(value: string | undefined): value is string {
  return value !== undefined && value !== UNKNOWN;
}

export function known(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== UNKNOWN ? value : undefined;
}
