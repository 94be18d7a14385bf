import type { ReportFormat, Reporter } from './types';

/**
 * Format name → reporter. Each reporter loads on first use, so a run that prints text never loads the
 * HTML or SARIF code.
 */
const LOADERS: Record<ReportFormat, () => Reporter> = {
  /* eslint-disable @typescript-eslint/no-require-imports */
  text: () => (require('./text') as { textReport: Reporter }).textReport,
  json: () => (require('./json') as { jsonReport: Reporter }).jsonReport,
  sarif: () => (require('./sarif') as { sarifReport: Reporter }).sarifReport,
  junit: () => (require('./junit') as { junitReport: Reporter }).junitReport,
  markdown: () => (require('./markdown') as { markdownReport: Reporter }).markdownReport,
  html: () => (require('./html') as { htmlReport: Reporter }).htmlReport,
  /* eslint-enable @typescript-eslint/no-require-imports */
};

export const REPORT_FORMATS = Object.keys(LOADERS) as ReportFormat[];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as string[]).includes(value);
}

export function reporterFor(format: ReportFormat): Reporter {
  return LOADERS[format]();
}
