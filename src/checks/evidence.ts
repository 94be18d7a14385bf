import { idKey, parseId } from '../model/arm';
import type { Estate, SkippableRead } from '../model/estate';

/**
 * The evidence rule (docs/evidence.md; DESIGN 0): a rule says `fail` only when what was
 * collected shows the link broken. A resource that is referenced but was not collected may well exist:
 * it is `error` (the run is incomplete) naming the id and the scope to add, or `skipped` when the source
 * tried and could not read it (another tenant's, a managed private endpoint). These helpers word that
 * once, so no rule words it by itself.
 */

/** Why a referenced resource is not in the estate: unreadable, outside the collected subscriptions, or absent. */
export type Absence =
  | { kind: 'unreadable'; reason: string }
  | { kind: 'outside-scope'; subscriptionId: string }
  | { kind: 'not-collected'; subscriptionId: string | undefined };

export function absenceOf(estate: Estate, id: string): Absence {
  const unreadable = estate.unreadable.get(idKey(id));
  if (unreadable !== undefined) return { kind: 'unreadable', reason: unreadable };
  const subscriptionId = parseId(id).subscriptionId;
  if (subscriptionId && !estate.collectedSubscriptions.has(subscriptionId.toLowerCase()))
    return { kind: 'outside-scope', subscriptionId };
  return { kind: 'not-collected', subscriptionId };
}

/**
 * One clause saying why `id` was not judged and what to add: `it is in subscription S, outside the collected
 * scope: add subscription S to the audit`. Never "create it": it may exist where kvguard did not look.
 */
export function scopeToAdd(estate: Estate, id: string): string {
  const absence = absenceOf(estate, id);
  switch (absence.kind) {
    case 'unreadable':
      return `it could not be read (${absence.reason})`;
    case 'outside-scope':
      return `it is in subscription ${absence.subscriptionId}, outside the collected scope: add subscription ${absence.subscriptionId} to the audit (--subscription, or to the snapshot)`;
    default:
      return `it is not among the collected resources${absence.subscriptionId ? ` of subscription ${absence.subscriptionId}` : ''}: collect its resource group too, or check whether it was deleted`;
  }
}

/** The subscriptions collected, for messages: `subscriptions a, b` (sorted). */
export function collectedScope(estate: Estate): string {
  const subscriptions = [...estate.collectedSubscriptions].sort();
  if (subscriptions.length === 0) return 'the collected resources';
  return `subscription${subscriptions.length === 1 ? '' : 's'} ${subscriptions.join(', ')}`;
}

/** Why a read a rule needs is absent from the estate (`--skip-reads zone-groups`, a Resource Graph input), if it is. */
export function skippedRead(estate: Estate, read: SkippableRead): string | undefined {
  if (!estate.skippedReads.has(read)) return undefined;
  return estate.skipReasons.get(read) ?? `--skip-reads ${read}`;
}
