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
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const read_logs_1 = require("../src/diagnose/read-logs");
const generate_audit_logs_1 = require("./generate-audit-logs");
/**
 * `kvguard diagnose --logs` on 1,000,000 generated AuditEvent records per export shape: file size, time, and
 * peak memory sampled while streaming (it must not grow with the file).
 * Run: npx tsc -p bench/tsconfig.json && node dist-bench/bench/diagnose-logs.js [records]
 */
async function main() {
    const count = Number(process.argv[2] ?? 1_000_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-bench-logs-'));
    try {
        for (const shape of ['monitor-jsonl', 'diagnostics-csv', 'monitor-records']) {
            const file = path.join(dir, `audit-${shape}`);
            await (0, generate_audit_logs_1.writeAuditLog)(file, count, shape);
            global.gc?.();
            const before = process.memoryUsage();
            let peakRss = before.rss;
            let peakHeap = before.heapUsed;
            const sampler = setInterval(() => {
                const now = process.memoryUsage();
                peakRss = Math.max(peakRss, now.rss);
                peakHeap = Math.max(peakHeap, now.heapUsed);
            }, 50);
            const started = process.hrtime.bigint();
            const { summary } = await (0, read_logs_1.analyzeLogFile)(file);
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            clearInterval(sampler);
            const mb = (bytes) => `${(bytes / 1048576).toFixed(0)} MB`;
            const payments = summary.vaults.find((v) => v.key === 'kv-payments-prod')?.limits[0];
            process.stdout.write(`${shape}: ${summary.records.toLocaleString('en-US')} records, ${mb(fs.statSync(file).size)} file, ${seconds.toFixed(1)} s (${Math.round(summary.records / seconds).toLocaleString('en-US')} records/s), ` +
                `peak RSS ${mb(peakRss)} (start ${mb(before.rss)}), peak heap ${mb(peakHeap)} (start ${mb(before.heapUsed)}); ` +
                `429: ${summary.byStatus['429'] ?? 0}, 403: ${summary.byStatus['403'] ?? 0}, 401: ${summary.byStatus['401'] ?? 0}; kv-payments-prod peak ${payments?.peak} per 10 s, ${payments?.windowsOver} windows over 4,000\n`);
            fs.rmSync(file);
        }
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
void main();
