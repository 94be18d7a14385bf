/** Commander's accumulator for an option given more than once (`--subscription A --subscription B`). */
export const repeatable = (value: string, previous: string[]): string[] => [...previous, value];
