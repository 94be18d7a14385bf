import type { Notice } from '../model/notice';
import type { FateContext } from './request-fate';

/**
 * What the request path did to the run, said in the report: the deadline passing (everything not read by
 * then is an error of its vault), the retry budget spent, circuits left open.
 */
export function fateNotices(fate: FateContext): Notice[] {
  const notices: Notice[] = [];
  if (fate.limits.expired())
    notices.push({
      level: 'error',
      message: `the run reached its deadline (--timeout ${fate.limits.timeoutText}): requests still waiting were cancelled, and what they would have read is reported as error`,
    });
  if (fate.limits.retriesRemaining <= 0)
    notices.push({
      level: 'warning',
      message: `the run's retry budget (${fate.settings.runRetries} retries) was spent: later failures were not retried`,
    });
  for (const open of fate.breaker.openCircuits())
    notices.push({
      level: 'warning',
      message: `circuit open: ${open.key} failed ${open.failures} times in a row (last: ${open.last}); its remaining requests were not sent`,
    });
  return notices;
}
