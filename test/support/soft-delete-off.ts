import { type Path, modify } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';

/** The path with soft delete disabled: KV501 fails, a warning (below the default --fail-on error). */
export function softDeleteDisabled(path: Path): ArmResource[] {
  return modify(path.resources, path.ids.vault, (v) => {
    if (v.properties) v.properties.enableSoftDelete = false;
    return v;
  });
}
