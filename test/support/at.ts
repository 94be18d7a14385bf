/**
 * Checked indexing for tests under `noUncheckedIndexedAccess`: a missing item fails the test with a message
 * saying which index of how long a list, instead of a `TypeError` on `undefined` three lines later.
 */
export function at<T>(list: readonly T[] | undefined, index: number): T {
  const item = list?.[index];
  if (item === undefined) throw new Error(`expected an item at index ${index} of a list of ${list?.length ?? 0}`);
  return item;
}

/** The first `count` items as a tuple, failing the test when the list is shorter. */
export function take<T>(list: readonly T[] | undefined, count: 1): [T];
export function take<T>(list: readonly T[] | undefined, count: 2): [T, T];
export function take<T>(list: readonly T[] | undefined, count: 3): [T, T, T];
export function take<T>(list: readonly T[] | undefined, count: 4): [T, T, T, T];
export function take<T>(list: readonly T[] | undefined, count: number): T[] {
  return Array.from({ length: count }, (_unused, index) => at(list, index));
}

/** A value the test expects to exist (a `find` or map lookup), failing the test with `what` when it does not. */
export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}
