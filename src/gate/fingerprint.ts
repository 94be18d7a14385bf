import { createHash } from 'node:crypto';
import { idKey } from '../model/arm';

/**
 * A stable identity for a finding across runs: rule id plus the resource it concerns, case-folded as ARM
 * ids are. Messages are left out on purpose: they carry addresses and states that change while the
 * problem stays the same. Used by baselines and SARIF `partialFingerprints`.
 */
export function findingFingerprint(ruleId: string, resourceId: string): string {
  return createHash('sha256')
    .update(`${ruleId.toUpperCase()}|${idKey(resourceId)}`)
    .digest('hex')
    .slice(0, 32);
}
