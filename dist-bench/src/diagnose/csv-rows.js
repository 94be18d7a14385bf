"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CsvRowSplitter = void 0;
/**
 * A streaming RFC 4180 CSV splitter (quoted fields, doubled quotes, CRLF, newlines inside quotes), for Log
 * Analytics exports of `AzureDiagnostics`. Returns the complete rows of each chunk.
 */
class CsvRowSplitter {
    field = '';
    row = [];
    quoted = false;
    /** A quote inside a quoted field: either the closing quote or the first of a doubled pair. */
    quotePending = false;
    afterCr = false;
    push(chunk) {
        const rows = [];
        let start = 0;
        for (let i = 0; i < chunk.length; i++) {
            const c = chunk.charCodeAt(i);
            if (this.quotePending) {
                this.quotePending = false;
                if (c === 34) {
                    this.field += '"';
                    start = i + 1;
                    continue;
                }
                this.quoted = false;
            }
            if (this.quoted) {
                if (c === 34) {
                    this.field += chunk.slice(start, i);
                    start = i + 1;
                    this.quotePending = true;
                }
                continue;
            }
            if (this.afterCr && c === 10) {
                this.afterCr = false;
                start = i + 1;
                continue;
            }
            this.afterCr = false;
            if (c === 34 && this.field === '' && i === start) {
                this.quoted = true;
                start = i + 1;
            }
            else if (c === 44 /* , */) {
                this.row.push(this.field + chunk.slice(start, i));
                this.field = '';
                start = i + 1;
            }
            else if (c === 10 || c === 13) {
                this.row.push(this.field + chunk.slice(start, i));
                this.field = '';
                start = i + 1;
                if (!(this.row.length === 1 && this.row[0] === ''))
                    rows.push(this.row);
                this.row = [];
                this.afterCr = c === 13;
            }
        }
        if (!this.quotePending)
            this.field += chunk.slice(start);
        else
            this.field += chunk.slice(start, chunk.length);
        return rows;
    }
    end() {
        if (this.quoted && !this.quotePending)
            throw new SyntaxError('the file ends inside a quoted field');
        if (this.field !== '' || this.row.length > 0) {
            this.row.push(this.field);
            const last = this.row;
            this.row = [];
            this.field = '';
            return [last];
        }
        return [];
    }
}
exports.CsvRowSplitter = CsvRowSplitter;
