import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); never downloaded. */
export const CHROMIUM = process.env['CIMD_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Launch headless Chromium with the flags of docs/testing: no sandbox, GPU, QUIC, first-run or
 * background traffic. `hostRules` become `--host-resolver-rules`; the default lets the browser
 * reach 127.0.0.1 only, every name failing to resolve, so that a faulty redirect cannot leave the
 * machine.
 */
export function launchChromium(hostRules = 'MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=${hostRules}`,
    ],
  });
}
