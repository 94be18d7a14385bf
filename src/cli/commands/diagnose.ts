import { Command, Option } from 'commander';
import { EXIT } from '../../engine/gate';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';

/**
 * `kvguard diagnose --error FILE|-`: what a Key Vault 401/403/429 response means and what to run next.
 * `kvguard diagnose --logs FILE`: 401/403/429 and request rates from AuditEvent records, streamed.
 */
interface DiagnoseFlags {
  error?: string;
  logs?: string;
  format: 'text' | 'json';
  top: string;
}

export function register(program: Command): void {
  program
    .command('diagnose')
    .description('explain a Key Vault error response, or summarize 401/403/429 and throttling in AuditEvent logs')
    .option(
      '--error <file>',
      'a Key Vault error response: raw HTTP, {"status", "body"} or {"error": {...}} JSON; - reads stdin',
    )
    .option(
      '--logs <file>',
      'AuditEvent records: Azure Monitor JSON (lines or {"records": [...]}) or a Log Analytics AzureDiagnostics export (JSON or CSV)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--top <n>', 'logs: how many 401/403/429 groups to list', '20')
    .action(async (flags: DiagnoseFlags, command: Command) => {
      setExitCode(command, await diagnose(flags));
    });
}

export async function diagnose(flags: DiagnoseFlags): Promise<number> {
  if ((flags.error === undefined) === (flags.logs === undefined))
    throw new UsageError('diagnose needs exactly one of --error FILE|- and --logs FILE');
  if (flags.error !== undefined) return diagnoseError(flags.error, flags.format);
  const top = Number(flags.top);
  if (!Number.isInteger(top) || top < 1)
    throw new UsageError(`--top: expected a positive whole number, found ${JSON.stringify(flags.top)}`);
  return diagnoseLogs(flags.logs ?? '', flags.format, top);
}

async function diagnoseError(file: string, format: 'text' | 'json'): Promise<number> {
  const { readTextInput, ReadTextError } = await import('../../diagnose/read-text');
  const { parseErrorResponse, ErrorInputError } = await import('../../diagnose/error-response');
  const { diagnoseError: explain } = await import('../../diagnose/explain-error');
  const { renderDiagnosis } = await import('../../diagnose/render');
  let text: string;
  try {
    text = await readTextInput(file, '--error');
    const diagnosis = explain(parseErrorResponse(text));
    process.stdout.write(renderDiagnosis(diagnosis, format));
    return EXIT.ok;
  } catch (thrown) {
    if (thrown instanceof ReadTextError) throw new UsageError(thrown.message);
    if (thrown instanceof ErrorInputError)
      throw new UsageError(`--error ${file === '-' ? 'stdin' : file}: ${thrown.message}`);
    throw thrown;
  }
}

async function diagnoseLogs(file: string, format: 'text' | 'json', top: number): Promise<number> {
  const { analyzeLogFile, LogInputError } = await import('../../diagnose/read-logs');
  const { renderLogSummary } = await import('../../diagnose/render-logs');
  try {
    const { summary } = await analyzeLogFile(file);
    process.stdout.write(renderLogSummary(summary, file, format, top));
    return EXIT.ok;
  } catch (thrown) {
    if (thrown instanceof LogInputError) throw new UsageError(`--logs ${thrown.message}`);
    throw thrown;
  }
}
