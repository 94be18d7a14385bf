import { GRAPH_UNHELD_CHILD_TYPES } from '../collect/graph';
import type { CollectedEstate, LiveOptions } from '../collect/types';
import type { CollectionStats, Notice } from '../engine/types';
import type { ArmResource } from '../model/arm';
import { Estate, EstateOptions, SKIPPABLE_READS, buildEstate, isModelType } from '../model/estate';
import type { Vault } from '../model/types';
import { Snapshot, checkAdaptedResources, readInputDocuments, snapshotOf } from '../input/snapshot';
import { armFromStackExport } from '../pulumi/stack-export';
import { readJsonFile } from '../input/json-file';
import type { PlannedEstates } from '../model/planned';
import { isTerraformJson } from '../terraform/document';
import type { TerraformOptions } from '../terraform/index';
import { UsageError } from '../errors';
import type { AuditSource, VaultScope } from './source';

/** The estate a source holds, and the vaults of it to evaluate. */
export interface LoadedSource {
  resources: ArmResource[];
  estate: Estate;
  /** A snapshot's scope narrows them; a live read already holds only the vaults in scope. */
  vaults: Vault[];
  vaultErrors: Map<string, string>;
  notices: Notice[];
  collection?: Omit<CollectionStats, 'vaultsEvaluated'>;
  /** A snapshot file's line of each resource id (by idKey), for reports that point into the file. */
  resourceLines?: Record<string, number>;
  /** A Terraform plan: the estates that tell what the plan decides, and the address of each planned resource. */
  plan?: { estates: PlannedEstates; addresses: Map<string, string> };
}

export async function loadSource(source: AuditSource): Promise<LoadedSource> {
  if (source.kind === 'terraform') return loadTerraform(source, source.file, readJsonFile(source.file));
  if (source.kind === 'snapshot') {
    // Streamed when large (src/input/json-stream.ts); several documents when concatenated (json-documents.ts).
    const input = readInputDocuments(source.file);
    // `terraform show -json` output given as a snapshot is read as what it is.
    const [first] = input.documents;
    if (input.documents.length === 1 && isTerraformJson(first))
      return loadTerraform(
        { kind: 'terraform', file: source.file, ...(source.scope ? { scope: source.scope } : {}) },
        source.file,
        first,
      );
    const snapshot = snapshotOf(input, source.file);
    const resources = [...snapshot.resources, ...stackResources(snapshot, source.file)];
    const estate = buildEstate(resources, snapshotEstateOptions(snapshot));
    const loaded: LoadedSource = {
      resources,
      estate,
      vaults: vaultsInScope(estate, source.scope, source.file),
      vaultErrors: new Map(),
      notices: snapshot.notices,
    };
    if (snapshot.resourceLines) loaded.resourceLines = snapshot.resourceLines;
    return loaded;
  }
  const collected = await readLive(source.options);
  const estate = buildEstate(collected.resources, {
    ...(collected.roleReads ? { roleCoverage: collected.roleReads } : {}),
    skippedReads: source.options.skipReads ?? [],
    subscriptions: source.options.subscriptions,
    ...(collected.unreadable ? { unreadable: collected.unreadable } : {}),
  });
  // Nothing found is a usage error only when every list answered: a list that failed (401, 403, 429, 5xx, a
  // refused connection, the deadline) is an incomplete run whose reports carry the cause, never "no vault".
  const failed = collected.notices.some((n) => n.level === 'error');
  if (!estate.allVaults().length && collected.vaultErrors.size === 0 && !failed) {
    throw new UsageError(`no Key Vault or Managed HSM found in ${describeScope(source.options)}`);
  }
  const loaded: LoadedSource = {
    resources: collected.resources,
    estate,
    vaults: estate.allVaults(),
    vaultErrors: collected.vaultErrors,
    notices: collected.notices,
    collection: {
      vaultsListed: collected.stats.vaultsListed,
      requests: collected.requests,
      throttled: collected.stats.throttled,
      retried: collected.stats.retried,
    },
  };
  return loaded;
}

/** `pulumi stack export` documents, adapted to ARM resources and checked as a file's would be. */
function stackResources(snapshot: Snapshot, file: string): ArmResource[] {
  if (snapshot.pulumiDeployments.length === 0) return [];
  const adapted = snapshot.pulumiDeployments.flatMap((deployment) => armFromStackExport(deployment, file));
  checkAdaptedResources([...snapshot.resources, ...adapted], file);
  return adapted.filter((r) => isModelType(r.type));
}

/**
 * A Resource Graph response holds no DNS zone groups and no diagnostic settings (no ARG table does): the rules
 * that read them report skipped with that reason, as `--skip-reads` does, never a false fail. Nor does the
 * printed query hold the proxy children of the path's network resources (forwarding rules, ruleset VNet links,
 * hub connections and hub route tables): a path that depends on them is unknown, not broken.
 * https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources
 */
export function snapshotEstateOptions(snapshot: Snapshot): EstateOptions {
  if (snapshot.shape !== 'resource-graph')
    return snapshot.unreadable.size > 0 ? { unreadable: snapshot.unreadable } : {};
  const reason = 'the input is a Resource Graph response, and Resource Graph holds none';
  return {
    skippedReads: [...SKIPPABLE_READS],
    skipReason: reason,
    unreadTypes: { types: GRAPH_UNHELD_CHILD_TYPES, reason },
  };
}

/** A plan (or state), alone or laid over the estate its base source holds. */
async function loadTerraform(
  source: Extract<AuditSource, { kind: 'terraform' }>,
  file: string,
  data: unknown,
): Promise<LoadedSource> {
  const base = source.base ? await loadSource(source.base) : undefined;
  const { terraformEstate } = await import('../terraform/index');
  const options: TerraformOptions = {};
  if (base) options.base = base.resources;
  const cloud = source.base?.kind === 'live' ? source.base.options.cloud : source.cloud;
  if (cloud) options.cloud = cloud;
  if (source.base?.kind === 'live') {
    const [first] = source.base.options.subscriptions;
    if (first) options.subscriptionId = first;
  }
  const planned = terraformEstate(data, file, options);
  const notices: Notice[] = [
    ...(base?.notices ?? []),
    ...planned.notices.map((message) => ({ level: 'info' as const, message })),
  ];
  const loaded: LoadedSource = {
    resources: planned.resources,
    estate: planned.estate,
    // Every vault of the estate after apply: a plan that removes a hub link breaks vaults it does not declare.
    vaults: source.scope ? vaultsInScope(planned.estate, source.scope, file) : planned.estate.allVaults(),
    vaultErrors: base?.vaultErrors ?? new Map(),
    notices,
    plan: { estates: planned.planned, addresses: planned.addresses },
  };
  if (base?.collection) loaded.collection = base.collection;
  return loaded;
}

/** The live collector, loaded on first use; a failure is one line, not a stack trace. */
export async function readLive(options: LiveOptions): Promise<CollectedEstate> {
  try {
    const { collectLive } = await import('../collect/index');
    return await collectLive(options);
  } catch (thrown) {
    if (thrown instanceof UsageError) throw thrown;
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    throw new UsageError(`live collection failed: ${message.split('\n')[0]}`);
  }
}

/** Narrowing to nothing is a mistyped name, never a pass. */
function vaultsInScope(estate: Estate, scope: VaultScope | undefined, file: string): Vault[] {
  const vaults = estate.allVaults();
  if (scope === undefined) return vaults;
  const name = scope.vaultName?.toLowerCase();
  const group = scope.resourceGroup?.toLowerCase();
  const chosen = vaults.filter(
    (v) =>
      (name === undefined || v.name.toLowerCase() === name) &&
      (group === undefined || (v.resourceGroup ?? '').toLowerCase() === group),
  );
  if (chosen.length > 0) return chosen;
  const flags = [
    scope.vaultName !== undefined ? `--vault ${scope.vaultName}` : '',
    scope.resourceGroup !== undefined ? `--resource-group ${scope.resourceGroup}` : '',
  ].filter(Boolean);
  const what = [name !== undefined ? 'of that name' : '', group !== undefined ? 'in that resource group' : ''].filter(
    Boolean,
  );
  throw new UsageError(`${flags.join(' ')}: no vault ${what.join(' ')} in ${file === '-' ? 'stdin' : file}`);
}

function describeScope(options: LiveOptions): string {
  const subscriptions = `subscription${options.subscriptions.length === 1 ? '' : 's'} ${options.subscriptions.join(', ')}`;
  const group = options.resourceGroup ? `, resource group ${options.resourceGroup}` : '';
  const vault = options.vaultName ? `, named ${options.vaultName}` : '';
  return `${subscriptions}${group}${vault}`;
}
