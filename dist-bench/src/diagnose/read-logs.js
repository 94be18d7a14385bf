"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.LogInputError = void 0;
exports.analyzeLogFile = analyzeLogFile;
const fs = __importStar(require("node:fs"));
const node_string_decoder_1 = require("node:string_decoder");
const csv_rows_1 = require("./csv-rows");
const json_records_1 = require("./json-records");
const log_analysis_1 = require("./log-analysis");
const log_record_1 = require("./log-record");
/**
 * Streams a log export through the analyzer, never holding the file: JSON (lines, array or `{records}`) or
 * CSV, told apart by the first character. Errors name the file and say what was expected.
 */
class LogInputError extends Error {
    name = 'LogInputError';
}
exports.LogInputError = LogInputError;
async function analyzeLogFile(file, analyzer = new log_analysis_1.LogAnalyzer()) {
    let stream;
    try {
        fs.accessSync(file, fs.constants.R_OK);
        if (fs.statSync(file).isDirectory())
            throw new LogInputError(`${file}: is a folder, expected a log export file`);
        stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    }
    catch (thrown) {
        if (thrown instanceof LogInputError)
            throw thrown;
        throw new LogInputError(`${file}: cannot read (${thrown.code ?? thrown.message})`);
    }
    const decoder = new node_string_decoder_1.StringDecoder('utf8');
    let format;
    let json;
    let csv;
    let header;
    const addRows = (rows) => {
        for (const row of rows) {
            if (!header) {
                header = row.map((h) => h.replace(/^\uFEFF/, ''));
                if (!header.some((h) => /^operationname$/i.test(h.trim())))
                    throw new LogInputError(`${file}: the CSV header has no OperationName column: expected a Log Analytics AzureDiagnostics export`);
                continue;
            }
            const object = {};
            header.forEach((name, i) => {
                object[name] = row[i] ?? '';
            });
            analyzer.add((0, log_record_1.toLogRecord)(object));
        }
    };
    try {
        for await (const buffer of stream) {
            let text = decoder.write(buffer);
            if (format === undefined) {
                text = text.replace(/^\uFEFF/, '');
                const first = /\S/.exec(text)?.[0];
                if (first === undefined)
                    continue;
                format = first === '{' || first === '[' ? 'json' : 'csv';
                if (format === 'json')
                    json = new json_records_1.JsonRecordSplitter();
                else
                    csv = new csv_rows_1.CsvRowSplitter();
            }
            if (json)
                for (const record of json.push(text))
                    analyzer.add((0, log_record_1.toLogRecord)(record));
            else if (csv)
                addRows(csv.push(text));
        }
        const rest = decoder.end();
        if (json) {
            if (rest)
                for (const record of json.push(rest))
                    analyzer.add((0, log_record_1.toLogRecord)(record));
            json.end();
        }
        else if (csv) {
            if (rest)
                addRows(csv.push(rest));
            addRows(csv.end());
        }
    }
    catch (thrown) {
        if (thrown instanceof LogInputError)
            throw thrown;
        throw new LogInputError(`${file}: ${thrown.message}`);
    }
    finally {
        stream.destroy();
    }
    if (format === undefined)
        throw new LogInputError(`${file}: is empty: expected AuditEvent records (JSON lines, a JSON array, {"records": [...]} or an AzureDiagnostics CSV export)`);
    const summary = analyzer.summary();
    if (summary.records === 0)
        throw new LogInputError(`${file}: holds no Key Vault AuditEvent record (no record has an operationName)`);
    return { summary, format };
}
