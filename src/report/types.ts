import type { CallerProfile } from '../model/caller';
import type { RuleMeta, RunResult } from '../engine/types';

/**
 * Every reporter has one signature (Spectral's formatters habit): results and options in, a string out.
 * No I/O, no colour unless `color` says so, nothing formatted inside result objects.
 */
export interface ReportOptions {
  /** Metadata of the rules that ran, so reporters write help text and doc links once, from the rules. */
  rules: readonly RuleMeta[];
  tool: { name: string; version: string };
  /** ANSI colour (text reporter only; the CLI sets it on a TTY). */
  color?: boolean;
  /** The caller profile the run evaluated, shown in report headers. */
  caller?: CallerProfile;
  /**
   * The repository file the run read (the snapshot, else the config file), for reports that point at a file
   * (SARIF: code scanning needs a physical location), with the line of each resource in it by `idKey`.
   */
  artifact?: { uri: string; resourceLines?: Readonly<Record<string, number>> };
  /** When the run happened (reporters never read the clock themselves, so output is reproducible). */
  generatedAt?: Date;
  /** How much the text reporter shows: `quiet` only failures and totals, `verbose` also passes and skip reasons. */
  verbosity?: 'quiet' | 'normal' | 'verbose';
  /** Markdown: bytes the report may take; what does not fit is counted and pointed to `fullReport`. */
  markdownLimit?: number;
  /** Where the run wrote a complete report (another `--report` file), for reports that must leave findings out. */
  fullReport?: string;
}

/** A GitHub job summary takes up to 1 MiB (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#step-isolation-and-limits). */
export const DEFAULT_MARKDOWN_LIMIT = 1024 * 1024;

export type Reporter = (result: RunResult, options: ReportOptions) => string;

export type ReportFormat = 'text' | 'json' | 'sarif' | 'junit' | 'markdown' | 'html';

/** Where a streamed report goes, piece by piece (the CLI buffers and writes them to the file or stdout). */
export type ReportSink = (chunk: string) => void;

/**
 * A reporter that hands its text out in pieces, so a report of 10,000 vaults is never one string in
 * memory. Still no I/O: the sink decides where the pieces go.
 */
export type StreamingReporter = (result: RunResult, options: ReportOptions, write: ReportSink) => void;
