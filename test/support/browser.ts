import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for browser tests, from npm alone: @sparticuz/chromium ships a Chromium build
 * (chrome-headless-shell) brotli-compressed inside its tarball, so `npm ci` is all a machine needs — no
 * /usr/bin/chromium, no apt-get, no root, no download at test time. playwright-core drives it.
 *
 * The package extracts into os.tmpdir() (a `chromium` file there, mode 0700): shared by every user and process on the
 * machine, half-written while another process extracts, and unusable by a second user. So each launch
 * extracts into its own temporary folder (TMPDIR pointed there) and removes it on close.
 * It also ships the NSS/NSPR libraries Chromium links against (al2023.tar.br) but unpacks them only on AWS;
 * they are unpacked here too and put first on the browser's LD_LIBRARY_PATH, so a Debian without libnss3
 * runs it as well. Flags: the machine notes (no sandbox as root, no background networking on a closed
 * network: without them Chromium's connections are refused many at a time).
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--no-pings',
];

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-chromium-'));
  try {
    const executablePath = extractInto(dir);
    const libraries = unpackLibraries(dir);
    const browser = await chromium.launch({
      executablePath,
      args: ARGS,
      headless: true,
      env: {
        ...process.env,
        LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        FONTCONFIG_PATH: writeFontConfig(dir),
        HOME: dir,
      },
    });
    return {
      browser,
      async close() {
        await browser.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The package's own extraction (chromium, fonts, swiftshader) into `dir` instead of the shared /tmp. It runs in
 * a child Node process with TMPDIR=dir: the package reads os.tmpdir(), and a Jest test's `process.env` is a
 * sandbox copy that os.tmpdir() never sees.
 */
function extractInto(dir: string): string {
  const script = "require('@sparticuz/chromium').executablePath().then((p) => process.stdout.write(p))";
  const child = spawnSync(process.execPath, ['-e', script], {
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env, TMPDIR: dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const executable = child.stdout.trim();
  if (child.status !== 0 || path.dirname(executable) !== dir)
    throw new Error(
      `@sparticuz/chromium did not extract into ${dir}: ${child.stderr || child.error?.message || executable}`,
    );
  return executable;
}

/** al2023.tar.br: brotli-decompressed with node:zlib, untarred with the system's tar (every Debian has it). */
function unpackLibraries(dir: string): string {
  // The package exports only its entry (build/cjs/index.cjs); its bin/ folder is two levels up.
  const bin = path.join(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'bin');
  const tarball = path.join(dir, 'al2023.tar');
  fs.writeFileSync(tarball, brotliDecompressSync(fs.readFileSync(path.join(bin, 'al2023.tar.br'))));
  const untar = spawnSync('tar', ['-xf', tarball, '-C', dir], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar -xf al2023.tar failed: ${untar.stderr || untar.error?.message}`);
  return path.join(dir, 'lib');
}

/**
 * The package's fonts (Open Sans) come with a fonts.conf that names /tmp/fonts; Chromium reads a config of ours
 * naming the folder they were extracted to, so text lays out the same on a machine with no fonts installed.
 */
function writeFontConfig(dir: string): string {
  const folder = path.join(dir, 'fontconfig');
  fs.mkdirSync(folder);
  const config = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    `<fontconfig><dir>${path.join(dir, 'fonts', 'fonts')}</dir><cachedir>${path.join(dir, 'fonts-cache')}</cachedir></fontconfig>`,
  ];
  fs.writeFileSync(path.join(folder, 'fonts.conf'), config.join('\n'));
  return folder;
}
