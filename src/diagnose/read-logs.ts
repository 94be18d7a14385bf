import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CsvRowSplitter } from './csv-rows';
import { JsonRecordSplitter } from './json-records';
import { LogAnalyzer, LogSummary } from './log-analysis';
import { toLogRecord } from './log-record';

/**
 * Streams a log export through the analyzer, never holding the file: JSON (lines, array or `{records}`) or
 * CSV, told apart by the first character. Errors name the file and say what was expected.
 */
export class LogInputError extends Error {
  override readonly name = 'LogInputError';
}

export type LogFormat = 'json' | 'csv';

export async function analyzeLogFile(
  file: string,
  analyzer = new LogAnalyzer(),
): Promise<{ summary: LogSummary; format: LogFormat }> {
  let stream: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (fs.statSync(file).isDirectory()) throw new LogInputError(`${file}: is a folder, expected a log export file`);
    stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  } catch (thrown) {
    if (thrown instanceof LogInputError) throw thrown;
    throw new LogInputError(
      `${file}: cannot read (${(thrown as NodeJS.ErrnoException).code ?? (thrown as Error).message})`,
    );
  }
  const decoder = new StringDecoder('utf8');
  let format: LogFormat | undefined;
  let json: JsonRecordSplitter | undefined;
  let csv: CsvRowSplitter | undefined;
  let header: string[] | undefined;
  const addRows = (rows: string[][]) => {
    for (const row of rows) {
      if (!header) {
        header = row.map((h) => h.replace(/^\uFEFF/, ''));
        if (!header.some((h) => /^operationname$/i.test(h.trim())))
          throw new LogInputError(
            `${file}: the CSV header has no OperationName column: expected a Log Analytics AzureDiagnostics export`,
          );
        continue;
      }
      // CSV headers are user input: no prototype, so a `__proto__` column is a column.
      const object = Object.create(null) as Record<string, string>;
      header.forEach((name, i) => {
        object[name] = row[i] ?? '';
      });
      analyzer.add(toLogRecord(object));
    }
  };
  try {
    for await (const buffer of stream) {
      let text = decoder.write(buffer as Buffer);
      if (format === undefined) {
        text = text.replace(/^\uFEFF/, '');
        const first = /\S/.exec(text)?.[0];
        if (first === undefined) continue;
        format = first === '{' || first === '[' ? 'json' : 'csv';
        if (format === 'json') json = new JsonRecordSplitter();
        else csv = new CsvRowSplitter();
      }
      if (json) for (const record of json.push(text)) analyzer.add(toLogRecord(record));
      else if (csv) addRows(csv.push(text));
    }
    const rest = decoder.end();
    if (json) {
      if (rest) for (const record of json.push(rest)) analyzer.add(toLogRecord(record));
      json.end();
    } else if (csv) {
      if (rest) addRows(csv.push(rest));
      addRows(csv.end());
    }
  } catch (thrown) {
    if (thrown instanceof LogInputError) throw thrown;
    throw new LogInputError(`${file}: ${(thrown as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (format === undefined)
    throw new LogInputError(
      `${file}: is empty: expected AuditEvent records (JSON lines, a JSON array, {"records": [...]} or an AzureDiagnostics CSV export)`,
    );
  const summary = { ...analyzer.summary(), skippedLines: json?.skippedLines ?? 0 };
  if (summary.records === 0)
    throw new LogInputError(`${file}: holds no Key Vault AuditEvent record (no record has an operationName)`);
  return { summary, format };
}
