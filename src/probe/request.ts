import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { HttpOutcome } from './types';

/**
 * One HTTPS GET to a chosen address with the vault's name for SNI, certificate check and Host, as a client
 * that resolved the name to that address would send it. Network and TLS errors are returned, never thrown.
 * The bearer token, when given, goes only into the Authorization header of this request.
 */
export interface ProbeRequest {
  address: string;
  port: number;
  hostname: string;
  path: string;
  /** PEM CA(s) to trust instead of the system's (the emulator's). */
  ca?: string;
  timeoutMs: number;
  bearer?: string;
}

const MAX_BODY = 64 * 1024;

export function sendRequest(probe: ProbeRequest): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: HttpOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const host = probe.port === 443 ? probe.hostname : `${probe.hostname}:${probe.port}`;
    const request = httpsRequest({
      host: probe.address,
      port: probe.port,
      path: probe.path,
      method: 'GET',
      ...(isIP(probe.hostname) ? {} : { servername: probe.hostname }),
      headers: {
        host,
        accept: 'application/json',
        'user-agent': 'kvguard-probe',
        ...(probe.bearer ? { authorization: `Bearer ${probe.bearer}` } : {}),
      },
      ...(probe.ca ? { ca: probe.ca } : {}),
      agent: false,
    });
    const deadline = setTimeout(() => {
      request.destroy();
      settle({ kind: 'error', code: 'ETIMEDOUT', message: `no answer within ${probe.timeoutMs} ms` });
    }, probe.timeoutMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      response.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers))
          if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        settle({
          kind: 'response',
          status: response.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('error', (error: NodeJS.ErrnoException) =>
        settle({ kind: 'error', code: error.code ?? 'ERROR', message: error.message }),
      );
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      settle({ kind: 'error', code: error.code ?? 'ERROR', message: error.message }),
    );
    request.end();
  });
}
