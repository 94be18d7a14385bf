/**
 * A line about the run rather than a rule's verdict (a subscription that could not be listed, a read that
 * was skipped, an expired suppression). Sources raise them while collecting, so they live below the engine.
 */
export interface Notice {
  level: 'error' | 'warning' | 'info';
  message: string;
  resourceId?: string;
}
