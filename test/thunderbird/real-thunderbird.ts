/**
 * Debian's Thunderbird under Xvfb, for the end-to-end test: a scratch profile whose only identity sends through
 * the test bed's Postfix, the add-on installed unsigned from the built .xpi, nothing that talks to Mozilla's
 * services, and Marionette on a free port to drive it. `stop()` ends exactly the processes started here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Marionette } from './marionette';

export const ADDON_ID = 'thunderbird-addon@sendguard.invalid';
export const SENDER = 'sender@mailbox.sendguard.test';

export interface RealThunderbird {
  marionette: Marionette;
  profile: string;
  stop(): Promise<void>;
}

/** Fails with the packages to install rather than skipping: a missing peer must not pass as a green run. */
export function requirePrograms(): void {
  const missing = [
    ['thunderbird', 'thunderbird'],
    ['Xvfb', 'xvfb'],
  ].filter(([program]) => spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `${missing.map(([p]) => p).join(' and ')} not found: install Debian's ${missing.map(([, pkg]) => pkg).join(' ')} (apt-get install -y ${missing.map(([, pkg]) => pkg).join(' ')})`,
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const pref = (name: string, value: string | number | boolean) =>
  `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`;

function userJs(smtp: { host: string; port: number }, marionettePort: number): string {
  const prefs: Record<string, string | number | boolean> = {
    // Driving it.
    'marionette.port': marionettePort,
    // The unsigned add-on from the profile's extensions folder, enabled without asking.
    'xpinstall.signatures.required': false,
    'extensions.autoDisableScopes': 0,
    'extensions.enabledScopes': 15,
    // Nothing reaches out to Mozilla or anywhere else; no first-run dialogs.
    'app.update.auto': false,
    'app.update.checkInstallTime': false,
    'app.update.disabledForTesting': true,
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    'extensions.blocklist.enabled': false,
    'extensions.systemAddon.update.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'datareporting.policy.dataSubmissionPolicyBypassNotification': true,
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'toolkit.telemetry.server': '',
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'services.settings.server': 'http://127.0.0.1:9/',
    'app.normandy.enabled': false,
    'mail.shell.checkDefaultClient': false,
    'mail.provider.enabled': false,
    'mail.inappnotifications.enabled': false,
    'mailnews.start_page.enabled': false,
    'mail.rights.version': 1,
    'mail.spellcheck.inline': false,
    'mail.warn_on_send_accel_key': false,
    'mail.biff.play_sound': false,
    'mail.ui.folderpane.version': 99,
    // One POP3 account that is never checked, carrying the identity that sends.
    'mail.accountmanager.accounts': 'account1,account2',
    'mail.accountmanager.defaultaccount': 'account1',
    'mail.accountmanager.localfoldersserver': 'server2',
    'mail.account.account1.server': 'server1',
    'mail.account.account1.identities': 'id1',
    'mail.account.account2.server': 'server2',
    'mail.server.server1.type': 'pop3',
    'mail.server.server1.hostname': '127.0.0.1',
    'mail.server.server1.port': 9,
    'mail.server.server1.userName': 'sender',
    'mail.server.server1.name': 'Sendguard test',
    'mail.server.server1.login_at_startup': false,
    'mail.server.server1.check_new_mail': false,
    'mail.server.server1.directory-rel': '[ProfD]Mail/test',
    'mail.server.server2.type': 'none',
    'mail.server.server2.hostname': 'Local Folders',
    'mail.server.server2.userName': 'nobody',
    'mail.server.server2.name': 'Local Folders',
    'mail.server.server2.directory-rel': '[ProfD]Mail/Local Folders',
    'mail.identity.id1.fullName': 'Sam Sender',
    'mail.identity.id1.useremail': SENDER,
    'mail.identity.id1.smtpServer': 'smtp1',
    'mail.identity.id1.fcc': false,
    'mail.identity.id1.compose_html': true,
    'mail.identity.id1.valid': true,
    // The bed's Postfix: no authentication, no TLS (its certificate is signed by the bed's own CA).
    'mail.smtpservers': 'smtp1',
    'mail.smtp.defaultserver': 'smtp1',
    'mail.smtpserver.smtp1.hostname': smtp.host,
    'mail.smtpserver.smtp1.port': smtp.port,
    'mail.smtpserver.smtp1.authMethod': 1,
    'mail.smtpserver.smtp1.try_ssl': 0,
    'mail.smtpserver.smtp1.username': '',
    'mail.smtpserver.smtp1.description': 'test bed',
  };
  return `${Object.entries(prefs)
    .map(([name, value]) => pref(name, value))
    .join('\n')}\n`;
}

async function waitFor(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The whole process group: Thunderbird's wrapper script, Thunderbird and its content processes.
  process.kill(-child.pid, 'SIGTERM');
  const force = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 5000);
  return exited.finally(() => clearTimeout(force));
}

export async function startThunderbird(options: {
  xpi: string;
  smtp: { host: string; port: number };
  logFile: string;
}): Promise<RealThunderbird> {
  requirePrograms();
  const profile = mkdtempSync(join(tmpdir(), 'sendguard-thunderbird-'));
  mkdirSync(join(profile, 'extensions'));
  mkdirSync(join(profile, 'tmp'));
  copyFileSync(options.xpi, join(profile, 'extensions', `${ADDON_ID}.xpi`));
  const marionettePort = await freePort();
  writeFileSync(join(profile, 'user.js'), userJs(options.smtp, marionettePort));

  let display = 90 + Math.floor(Math.random() * 100);
  while (existsSync(`/tmp/.X11-unix/X${display}`)) display++;
  const xvfb = spawn('Xvfb', [`:${display}`, '-screen', '0', '1280x1000x24', '-nolisten', 'tcp'], {
    detached: true,
    stdio: 'ignore',
  });
  let thunderbird: ChildProcess | undefined;
  const stop = async () => {
    await kill(thunderbird);
    await kill(xvfb);
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    await waitFor('Xvfb start', () => existsSync(`/tmp/.X11-unix/X${display}`), 10_000);
    const { openSync } = await import('node:fs');
    const log = openSync(options.logFile, 'w');
    thunderbird = spawn(
      'thunderbird',
      ['--profile', profile, '--no-remote', '--marionette', '-remote-allow-system-access'],
      {
        detached: true,
        stdio: ['ignore', log, log],
        // Thunderbird writes the files the add-on attaches into its temporary folder: inside the profile, they go
        // with it.
        env: {
          ...process.env,
          DISPLAY: `:${display}`,
          HOME: profile,
          TMPDIR: join(profile, 'tmp'),
          MOZ_CRASHREPORTER_DISABLE: '1',
        },
      },
    );
    const marionette = await Marionette.connect(marionettePort, 45_000);
    return {
      marionette,
      profile,
      stop: async () => {
        marionette.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
