import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A CA and a server certificate it signs, generated at start. The SDK's bearer-token policy refuses
 * plain http, so the emulator must speak TLS; clients trust it through `tlsOptions: { ca }` or
 * NODE_EXTRA_CA_CERTS. EC P-256 keys keep generation to a few milliseconds.
 */
export interface EmulatorCertificates {
  caCertPem: string;
  caCertPath: string;
  /** The CA's key, to sign further server certificates (the data-plane listener's). */
  caKeyPem: string;
  serverKeyPem: string;
  serverCertPem: string;
}

export async function createCertificates(): Promise<EmulatorCertificates> {
  // Loaded here so that importing the emulator's types costs nothing.
  const selfsigned = await import('selfsigned');
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'kvguard emulator CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const directory = mkdtempSync(join(tmpdir(), 'kvguard-emulator-'));
  const caCertPath = join(directory, 'ca.pem');
  writeFileSync(caCertPath, ca.cert);
  return {
    caCertPem: ca.cert,
    caCertPath,
    caKeyPem: ca.private,
    serverKeyPem: server.private,
    serverCertPem: server.cert,
  };
}
