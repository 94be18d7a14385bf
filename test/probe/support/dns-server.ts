import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A small authoritative-and-recursive DNS server on loopback UDP (RFC 1035 wire format), enough for the
 * probe's tests: A and CNAME records, chains followed in A answers as a recursive resolver returns them,
 * NXDOMAIN for unknown names (with the CNAMEs that led there), NODATA for a known name without the type,
 * and names it never answers (to time a client out). Node's resolver (c-ares) talks to it like to any server.
 */
export type DnsRecord = { cname: string } | { a: string[] };

export interface TestDnsServer {
  /** `127.0.0.1:PORT`, as --dns-server takes it. */
  address: string;
  /** Questions received, `A kv1.vault.azure.net`. */
  queries: string[];
  set(name: string, record: DnsRecord | undefined): void;
  /** Names that get no answer at all. */
  drop(name: string): void;
  stop(): Promise<void>;
}

const TYPE = { A: 1, CNAME: 5 } as const;
const RCODE = { NOERROR: 0, NXDOMAIN: 3 } as const;
const TYPE_NAMES: Record<number, string> = { 1: 'A', 5: 'CNAME', 28: 'AAAA' };

const normal = (name: string): string => name.toLowerCase().replace(/\.$/, '');

function encodeName(name: string): Buffer {
  const parts = normal(name)
    .split('.')
    .filter(Boolean)
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = message[at] ?? 0;
    if (length === 0) return { name: labels.join('.'), end: at + 1 };
    labels.push(message.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
}

function resourceRecord(name: string, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(10, 4); // TTL, as the zone fixtures use
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([encodeName(name), fixed, data]);
}

function ipv4(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

export async function startDnsServer(records: Record<string, DnsRecord> = {}): Promise<TestDnsServer> {
  const zone = new Map<string, DnsRecord>(Object.entries(records).map(([name, record]) => [normal(name), record]));
  const dropped = new Set<string>();
  const queries: string[] = [];
  const socket: Socket = createSocket('udp4');

  /** The answer records and rcode for a question, or undefined to stay silent. */
  function answer(qname: string, qtype: number): { rcode: number; answers: Buffer[] } | undefined {
    const answers: Buffer[] = [];
    let name = normal(qname);
    for (let hops = 0; hops < 10; hops++) {
      if (dropped.has(name)) return undefined;
      const record = zone.get(name);
      if (!record) return { rcode: RCODE.NXDOMAIN, answers };
      if ('cname' in record) {
        answers.push(resourceRecord(name, TYPE.CNAME, encodeName(record.cname)));
        if (qtype === TYPE.CNAME) return { rcode: RCODE.NOERROR, answers };
        name = normal(record.cname);
        continue;
      }
      if (qtype === TYPE.A) for (const address of record.a) answers.push(resourceRecord(name, TYPE.A, ipv4(address)));
      return { rcode: RCODE.NOERROR, answers };
    }
    return { rcode: RCODE.NOERROR, answers };
  }

  socket.on('message', (message: Buffer, remote: RemoteInfo) => {
    if (message.length < 12) return;
    const question = readName(message, 12);
    const qtype = message.readUInt16BE(question.end);
    queries.push(`${TYPE_NAMES[qtype] ?? qtype} ${question.name}`);
    const result = answer(question.name, qtype);
    if (!result) return;
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2); // id
    const rd = message.readUInt16BE(2) & 0x0100;
    header.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080 | result.rcode, 2); // QR, AA, RD, RA, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(result.answers.length, 6);
    const questionBytes = message.subarray(12, question.end + 4);
    socket.send(Buffer.concat([header, questionBytes, ...result.answers]), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    queries,
    set: (name, record) => (record ? zone.set(normal(name), record) : zone.delete(normal(name))),
    drop: (name) => dropped.add(normal(name)),
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
