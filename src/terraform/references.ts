import { asArray, asObject, asStrings, type JsonObject, type JsonValue } from '../model/arm';

/**
 * What an attribute's expression refers to, from the plan's `configuration` (JSON Output Format,
 * "Configuration Representation": each expression has `references`, e.g.
 * `["azurerm_key_vault.kv.id", "azurerm_key_vault.kv"]`; nested blocks are arrays of expression objects).
 * Used when a value is unknown until apply: `private_connection_resource_id` is "known after apply" in a plan
 * that creates the vault, but its expression names `azurerm_key_vault.kv`.
 *
 * References are resolved to resource addresses without instance keys (`module.net.azurerm_key_vault.kv`),
 * through module input variables (`var.x` → the module call's argument) and module outputs (`module.m.out`).
 * `local.*`, `each.*`, `count.*` and function results are not in the JSON: they stay unresolved.
 */
export class ConfigIndex {
  private readonly modules = new Map<string, JsonObject>();
  private readonly calls = new Map<string, JsonObject>();
  private readonly providers: JsonObject;

  constructor(configuration: JsonObject | undefined) {
    this.providers = asObject(configuration?.provider_config) ?? {};
    this.addModule('', asObject(configuration?.root_module));
  }

  /**
   * The constant `subscription_id` of the provider configuration a resource uses (`provider = azurerm.hub` →
   * `provider_config_key` "azurerm.hub", or "module.net:azurerm" inside a module), when the configuration says.
   */
  subscriptionOf(modulePath: string, configAddress: string): string | undefined {
    const key = this.resource(modulePath, configAddress)?.provider_config_key;
    const provider = typeof key === 'string' ? asObject(this.providers[key]) : undefined;
    const value = asObject(asObject(provider?.expressions)?.subscription_id)?.constant_value;
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  private resource(modulePath: string, configAddress: string): JsonObject | undefined {
    return asArray(this.modules.get(modulePath)?.resources)
      .map(asObject)
      .find((r) => r !== undefined && qualified(modulePath, String(r.address)) === configAddress);
  }

  private addModule(path: string, module: JsonObject | undefined): void {
    if (!module) return;
    this.modules.set(path, module);
    for (const [name, call] of Object.entries(asObject(module.module_calls) ?? {})) {
      const childPath = path === '' ? `module.${name}` : `${path}.module.${name}`;
      const callObject = asObject(call) ?? {};
      this.calls.set(childPath, callObject);
      this.addModule(childPath, asObject(callObject.module));
    }
  }

  /** The resource addresses an attribute of a resource refers to (`path`: attribute names and block indexes). */
  referencedResources(modulePath: string, configAddress: string, path: readonly (string | number)[]): string[] {
    let expression: JsonValue | undefined = this.resource(modulePath, configAddress)?.expressions;
    for (const key of path) {
      if (expression === undefined || expression === null || typeof expression !== 'object') return [];
      // A list attribute's expression is one `{references}` for the whole list: its elements share it.
      if (typeof key === 'number' && asObject(expression)?.references !== undefined) break;
      // A block given once is an array of one in the configuration even where the schema nests a single block.
      expression =
        typeof key === 'number'
          ? asArray(expression)[key]
          : (asObject(expression)?.[key] ?? asObject(asArray(expression)[0])?.[key]);
    }
    return this.resolve(modulePath, asStrings(asObject(expression)?.references), 0);
  }

  private resolve(modulePath: string, references: readonly string[], depth: number): string[] {
    if (depth > 16) return [];
    const found: string[] = [];
    for (const reference of references) {
      const parts = reference.replace(/\[[^\]]*\]/g, '').split('.');
      const [head = '', second, third] = parts;
      if (head === 'var' && second) {
        const call = this.calls.get(modulePath);
        const argument = asObject(asObject(call?.expressions)?.[second]);
        for (const f of this.resolve(parentOf(modulePath), asStrings(argument?.references), depth + 1)) found.push(f);
      } else if (head === 'module' && second && third) {
        const child = modulePath === '' ? `module.${second}` : `${modulePath}.module.${second}`;
        const output = asObject(asObject(this.modules.get(child)?.outputs)?.[third]);
        for (const f of this.resolve(child, asStrings(asObject(output?.expression)?.references), depth + 1))
          found.push(f);
      } else if (head === 'data' && second && third) {
        found.push(qualified(modulePath, `data.${second}.${third}`));
      } else if (second && /^[a-z0-9]+_[a-z0-9_]+$/.test(head)) {
        found.push(qualified(modulePath, `${head}.${second}`));
      }
      if (found.length > 0) break;
    }
    return [...new Set(found)];
  }
}

/** Configuration addresses are relative to their module; some tools write them absolute. */
function qualified(modulePath: string, address: string): string {
  if (modulePath === '' || address.startsWith(`${modulePath}.`)) return address;
  return `${modulePath}.${address}`;
}

function parentOf(modulePath: string): string {
  const index = modulePath.lastIndexOf('.module.');
  return index < 0 ? '' : modulePath.slice(0, index);
}
