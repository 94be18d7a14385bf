import { collected, whole } from './stream';
import type { ReportFormat, Reporter, StreamingReporter } from './types';

/**
 * Format name → reporter. Each reporter loads on first use, so a run that prints text never loads the
 * HTML or SARIF code. Reports that grow with the estate (JSON, SARIF, JUnit, HTML, Markdown) stream their text.
 */
const LOADERS: Record<ReportFormat, () => StreamingReporter> = {
  /* eslint-disable @typescript-eslint/no-require-imports */
  text: () => whole((require('./text') as { textReport: Reporter }).textReport),
  json: () => (require('./json') as { jsonStream: StreamingReporter }).jsonStream,
  sarif: () => (require('./sarif') as { sarifStream: StreamingReporter }).sarifStream,
  junit: () => (require('./junit') as { junitStream: StreamingReporter }).junitStream,
  markdown: () => (require('./markdown') as { markdownStream: StreamingReporter }).markdownStream,
  html: () => (require('./html') as { htmlStream: StreamingReporter }).htmlStream,
  /* eslint-enable @typescript-eslint/no-require-imports */
};

export const REPORT_FORMATS = Object.keys(LOADERS) as ReportFormat[];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as string[]).includes(value);
}

/** The report as one string (tests, small outputs). */
export function reporterFor(format: ReportFormat): Reporter {
  return collected(LOADERS[format]());
}

/** The report in pieces, for writing to a file or stdout as it is produced. */
export function streamingReporterFor(format: ReportFormat): StreamingReporter {
  return LOADERS[format]();
}
