/**
 * The manifests as the assembled service serves them (createServer, authentication on: Entra, or API tokens),
 * validated offline against the schema files in test/fixtures/manifest-schemas, whose README.md says where each
 * part comes from: the unified manifest with ajv against Microsoft's JSON schema 1.30, unchanged; the add-in only
 * XML with xmllint against XSDs of which only some parts are Microsoft's text. The root and basic-types XSDs are
 * copies said to be Microsoft's published ones; the 1.1 mail overrides are Microsoft's 2017 text plus the
 * event-based activation types, some copied from [MS-OWEMXML], while Runtimes, Runtime, its Override and
 * SupportsSharedFolders are written here from Microsoft's element reference; the 1.0 mail overrides are derived
 * here, with WebApplicationInfo as their last child written from that reference. Where a part was written here, a
 * pass shows the manifest agrees with our reading of the reference, not with Microsoft's schema; so the event
 * runtime is also checked against the shape of Microsoft's published sample of event-based activation. Each
 * validator is shown once to refuse a broken manifest, so a pass means something. The app package is unzipped.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { unzipSync } from 'fflate';
import { parseConfig } from '../../src/server/config';
import type { ConfigInput } from '../../src/server/config/schema';
import { createServer, type Server } from '../../src/server/serve';
import { runCli } from '../helpers/cli';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';
import { ROOT } from './built-addin';
import { all, parseXml } from './xml-tree';

const SCHEMAS = join(ROOT, 'test', 'fixtures', 'manifest-schemas');
const PUBLIC_URL = 'https://sendguard.example.org';
const TENANT = '8a1f3c2e-5b4d-4e6f-9a7b-1c2d3e4f5a6b';
const CLIENT = '2b7e9f10-4c3d-4a5b-8e6f-7a8b9c0d1e2f';
const RESOURCE = `api://sendguard.example.org/${CLIENT}`;
/** The organisation's own pages, as an admin names them in `publisher`. */
const PUBLISHER = {
  privacyUrl: 'https://www.example.org/privacy-statement',
  termsOfUseUrl: 'https://www.example.org/it-terms',
} as const;

/** xmllint's verdict on an XML manifest: `validates`, or its error lines. */
function xsdErrors(xml: string): string {
  const run = spawnSync(
    'xmllint',
    ['--noout', '--nonet', '--schema', join(SCHEMAS, 'OfficeAppManifestV1_1.xsd'), '-'],
    { input: xml, encoding: 'utf8' },
  );
  if (run.error) throw run.error; // xmllint missing: install libxml2-utils (.ci/peers.sh does)
  return run.status === 0 ? 'validates' : run.stderr;
}

const validateUnified = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  return ajv.compile(
    JSON.parse(readFileSync(join(SCHEMAS, 'unified-v1.30', 'MicrosoftTeams.schema.json'), 'utf8')) as object,
  );
})();

function jsonErrors(manifest: unknown): unknown {
  return validateUnified(manifest) ? 'validates' : validateUnified.errors;
}

/** The width and height a PNG's IHDR chunk records, and whether it has an alpha channel. */
function pngHeader(png: Uint8Array) {
  const view = Buffer.from(png);
  expect(view.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20), colourType: view[25] };
}

/**
 * The RGBA pixels of a PNG as assets/draw-icons.js writes them (8-bit RGBA, one IDAT, filter 0 on every row),
 * each as [r, g, b, a].
 */
function pixels(png: Uint8Array): number[][] {
  const { width, height } = pngHeader(png);
  const view = Buffer.from(png);
  const length = view.readUInt32BE(33);
  expect(view.subarray(37, 41).toString('latin1')).toBe('IDAT');
  const raw = inflateSync(view.subarray(41, 41 + length));
  const rows = Array.from({ length: height }, (_, y) =>
    raw.subarray(y * (width * 4 + 1), (y + 1) * (width * 4 + 1)),
  );
  expect(rows.map((row) => row[0])).toEqual(rows.map(() => 0));
  return rows.flatMap((row) =>
    Array.from({ length: width }, (_, x) => [...row.subarray(1 + x * 4, 5 + x * 4)]),
  );
}

async function serve(settings: ConfigInput): Promise<Server> {
  const config = parseConfig({
    publicUrl: PUBLIC_URL,
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: scratchDir('manifests'),
    tls: { enabled: false },
    logLevel: 'silent',
    ...settings,
  });
  const server = await createServer(config);
  stopAtFileEnd(server.close);
  return server;
}

async function get(server: Server, url: string) {
  const res = await server.app.inject({ method: 'GET', url });
  expect(res.statusCode).toBe(200);
  return res;
}

/** The Entra deployment: served by withEntra, and written into a configuration file for the CLI. */
const ENTRA_SETTINGS = {
  auth: { entra: { tenantId: TENANT, clientId: CLIENT } },
  sendMode: 'Block',
  publisher: PUBLISHER,
} satisfies ConfigInput;

/** A service configuration file with these settings, for `sendguard manifest --config`. */
async function configFile(settings: ConfigInput): Promise<string> {
  const file = join(scratchDir('config'), 'sendguard.json');
  await writeFile(file, JSON.stringify(settings));
  return file;
}

let withEntra: Server;
let withTokens: Server;

beforeAll(async () => {
  withEntra = await serve(ENTRA_SETTINGS);
  withTokens = await serve({ auth: { apiTokens: true }, sendMode: 'SoftBlock' });
}, 60_000);

test('a service on this machine with TLS off serves all three, the XML marked as not installable', async () => {
  const local = await serve({ ...ENTRA_SETTINGS, publicUrl: 'http://127.0.0.1:3999' });
  expect((await get(local, '/manifest.xml')).body).toContain('Outlook installs add-ins over HTTPS only');
  const json = (await get(local, '/manifest.json')).json<{ webApplicationInfo?: { id: string } }>();
  expect(json.webApplicationInfo?.id).toBe(CLIENT);
  expect((await get(local, '/app-package.zip')).headers['content-type']).toBe('application/zip');
});

describe('/manifest.xml against the [MS-OWEMXML] schemas', () => {
  test('with Entra: valid, WebApplicationInfo last in both VersionOverrides, the send mode Block', async () => {
    const xml = (await get(withEntra, '/manifest.xml')).body;
    expect(xsdErrors(xml)).toBe('validates');
    // A client that falls back to the 1.0 overrides (Mailbox 1.3 to 1.11) reads sign-in from there.
    for (const version of ['VersionOverridesV1_0', 'VersionOverridesV1_1']) {
      const overrides = all(parseXml(xml), (e) => e.attributes['xsi:type'] === version)[0]!;
      const info = overrides.children[overrides.children.length - 1]!;
      expect([version, info.name]).toEqual([version, 'WebApplicationInfo']);
      const text = (name: string) => info.children.find((c) => c.name === name)?.text;
      expect(text('Id')).toBe(CLIENT);
      expect(text('Resource')).toBe(RESOURCE);
      // The API's own permission, the one the service requires in `scp`, then the user's identity.
      const scopes = info.children.find((c) => c.name === 'Scopes')!.children.map((c) => c.text);
      expect(scopes).toEqual(['access_as_user', 'openid', 'profile']);
    }
    expect(xml.match(/<WebApplicationInfo>/g)).toHaveLength(2);
    expect(xml).toContain('SendMode="Block"');
  });

  test('without Entra: valid, no WebApplicationInfo, SoftBlock', async () => {
    const res = await get(withTokens, '/manifest.xml');
    expect(res.headers['content-type']).toContain('text/xml');
    expect(xsdErrors(res.body)).toBe('validates');
    expect(res.body).not.toContain('<WebApplicationInfo');
    expect(res.body).toContain('SendMode="SoftBlock"');
  });

  test('the schemas refuse a manifest that breaks them: WebApplicationInfo not last', async () => {
    const xml = (await get(withEntra, '/manifest.xml')).body;
    // The first is the nested 1.1 overrides' own, the second the 1.0 overrides'.
    const info = /<WebApplicationInfo>.*?<\/WebApplicationInfo>/s.exec(xml)![0];
    const without = xml.replace(info, '');
    const inner = without.lastIndexOf('<Resources>');
    const moved = `${without.slice(0, inner)}${info}${without.slice(inner)}`;
    expect(xsdErrors(moved)).toMatch(/Element .*Resources.: This element is not expected/);
    const outerFirst = xml.replace(
      '<VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides/1.1"',
      (nested) => `${info}${nested}`,
    );
    expect(xsdErrors(outerFirst)).toMatch(/Element .*VersionOverrides.: This element is not expected/);
    expect(xsdErrors(xml.replaceAll('SendMode="Block"', 'SendMode="Maybe"'))).toMatch(
      /'Maybe' is not an element/,
    );
  });
});

/**
 * Event names in both formats, as the table of Microsoft's "Activate add-ins with events"
 * (learn.microsoft.com/office/dev/add-ins/develop/event-based-activation, "Outlook events") gives them.
 */
const MICROSOFT_EVENT_NAMES: Readonly<Record<string, string>> = {
  OnNewMessageCompose: 'newMessageComposeCreated',
  OnMessageRecipientsChanged: 'messageRecipientsChanged',
  OnMessageSend: 'messageSending',
};

/**
 * The shape Microsoft's published sample of event-based activation has in each format: the Smart Alerts walkthrough
 * "Automatically check for an attachment before a message is sent"
 * (learn.microsoft.com/office/dev/add-ins/outlook/smart-alerts-onmessagesend-walkthrough), its XML and unified
 * manifest tabs. These are the parts our XSDs were written for rather than copied.
 */
describe("the event runtime has the shape of Microsoft's Smart Alerts sample", () => {
  test('XML: a Runtime with an Override of type javascript, the LaunchEvent extension point naming it', async () => {
    const xml = parseXml((await get(withEntra, '/manifest.xml')).body);
    const inner = all(xml, (e) => e.attributes['xsi:type'] === 'VersionOverridesV1_1')[0]!;
    // The sample's overrides ask for Mailbox 1.12, where OnMessageSend and SendMode begin.
    const sets = all(inner, (e) => e.name === 'bt:Sets')[0]!;
    expect(sets.attributes.DefaultMinVersion).toBe('1.12');
    const host = all(inner, (e) => e.name === 'Host')[0]!;
    expect(host.attributes['xsi:type']).toBe('MailHost');
    // Runtimes comes first in MailHost, before DesktopFormFactor.
    expect(host.children.map((c) => c.name)).toEqual(['Runtimes', 'DesktopFormFactor']);
    const [runtime] = host.children[0]!.children;
    expect(runtime!.name).toBe('Runtime');
    expect(runtime!.children.map((c) => [c.name, c.attributes.type])).toEqual([['Override', 'javascript']]);
    const urls = new Map(
      all(inner, (e) => e.name === 'bt:Url').map((e) => [e.attributes.id, e.attributes.DefaultValue!]),
    );
    expect(urls.get(runtime!.attributes.resid!)).toMatch(/\.html$/);
    expect(urls.get(runtime!.children[0]!.attributes.resid!)).toMatch(/\.js$/);

    const launch = all(host, (e) => e.attributes['xsi:type'] === 'LaunchEvent')[0]!;
    expect(launch.children.map((c) => c.name)).toEqual(['LaunchEvents', 'SourceLocation']);
    expect(launch.children[1]!.attributes.resid).toBe(runtime!.attributes.resid);
    // Type and FunctionName on every event; SendMode only on OnMessageSend, in the sample's spelling.
    const events = launch.children[0]!.children;
    for (const event of events) {
      const names = Object.keys(event.attributes).sort();
      expect(names).toEqual(
        event.attributes.Type === 'OnMessageSend'
          ? ['FunctionName', 'SendMode', 'Type']
          : ['FunctionName', 'Type'],
      );
      expect(Object.keys(MICROSOFT_EVENT_NAMES)).toContain(event.attributes.Type);
    }
    expect(events.find((e) => e.attributes.Type === 'OnMessageSend')!.attributes.SendMode).toBe('Block');
  });

  test("JSON: the same events under their unified names, run by a short-lived runtime's executeFunction actions", async () => {
    const json = (await get(withTokens, '/manifest.json')).json();
    const xml = parseXml((await get(withTokens, '/manifest.xml')).body);
    const [extension] = json.extensions;
    const [autoRun] = extension.autoRunEvents;
    expect(autoRun.requirements.capabilities).toEqual([{ name: 'Mailbox', minVersion: '1.12' }]);
    const xmlEvents = all(xml, (e) => e.name === 'LaunchEvent');
    expect(autoRun.events.map((e: { type: string }) => e.type)).toEqual(
      xmlEvents.map((e) => MICROSOFT_EVENT_NAMES[e.attributes.Type!]),
    );
    // The sample's send mode is spelled softBlock in JSON where the XML has SoftBlock.
    const sending = autoRun.events.find((e: { type: string }) => e.type === 'messageSending');
    expect(sending.options).toEqual({ sendMode: 'softBlock' });

    const runtime = extension.runtimes.find((r: { actions: { id: string }[] }) =>
      r.actions.some((a) => a.id === sending.actionId),
    );
    expect(runtime).toMatchObject({
      requirements: { capabilities: [{ name: 'Mailbox', minVersion: '1.12' }] },
      type: 'general',
      code: { page: expect.stringMatching(/\.html$/), script: expect.stringMatching(/\.js$/) },
      lifetime: 'short',
    });
    expect(runtime.actions).toEqual(
      autoRun.events.map((e: { actionId: string }) => ({ id: e.actionId, type: 'executeFunction' })),
    );
  });
});

describe('/manifest.json against the unified manifest schema 1.30', () => {
  test('with Entra: valid, with webApplicationInfo, this deployment and the send mode block', async () => {
    const res = await get(withEntra, '/manifest.json');
    expect(res.headers['content-type']).toContain('application/json');
    const manifest = res.json();
    expect(jsonErrors(manifest)).toBe('validates');
    expect(manifest.webApplicationInfo).toEqual({ id: CLIENT, resource: RESOURCE });
    const [extension] = manifest.extensions;
    const sending = extension.autoRunEvents[0].events.find(
      (e: { type: string }) => e.type === 'messageSending',
    );
    expect(sending.options).toEqual({ sendMode: 'block' });
    expect(manifest.validDomains).toEqual(['sendguard.example.org']);
    const urls = JSON.stringify(manifest).match(/https:\/\/[^"]+/g)!;
    expect(urls.filter((url) => !url.startsWith(`${PUBLIC_URL}/`))).toEqual([
      expect.stringContaining('developer.microsoft.com/json-schemas/teams/v1.30/'),
      PUBLISHER.privacyUrl,
      PUBLISHER.termsOfUseUrl,
    ]);
    expect(manifest.developer).toEqual({ name: 'Sendguard', websiteUrl: `${PUBLIC_URL}/`, ...PUBLISHER });
  });

  test("without the organisation's pages: the service's own privacy and terms pages, which say what it keeps", async () => {
    const manifest = (await get(withTokens, '/manifest.json')).json();
    expect(manifest.developer).toEqual({
      name: 'Sendguard',
      websiteUrl: `${PUBLIC_URL}/`,
      privacyUrl: `${PUBLIC_URL}/privacy`,
      termsOfUseUrl: `${PUBLIC_URL}/terms`,
    });
    const privacy = await get(withTokens, '/privacy');
    expect(privacy.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const kept of ['SQLite', 'as hashes only', 'ciphertext the service cannot decrypt', 'audit'])
      expect(privacy.body).toContain(kept);
    expect(privacy.body).toContain('Its logs carry no message content, tokens or recipient addresses.');
    const terms = await get(withTokens, '/terms');
    expect(terms.body).toContain('run by your organisation, which sets the terms');
    const start = (await get(withTokens, '/')).body;
    for (const path of ['/privacy', '/terms']) expect(start).toContain(`<a href="${path}">`);
  });

  test('publisher takes https pages, privacy and terms together', () => {
    const base = { publicUrl: PUBLIC_URL };
    expect(
      parseConfig({ ...base, publisher: { ...PUBLISHER, websiteUrl: 'https://www.example.org/' } }).publisher,
    ).toEqual({ ...PUBLISHER, websiteUrl: 'https://www.example.org/' });
    expect(() => parseConfig({ ...base, publisher: { privacyUrl: PUBLISHER.privacyUrl } as never })).toThrow(
      /termsOfUseUrl/,
    );
    expect(() =>
      parseConfig({ ...base, publisher: { ...PUBLISHER, privacyUrl: 'http://www.example.org/p' } }),
    ).toThrow(/privacyUrl/);
  });

  test('the same add-in as the XML: its id, version, buttons, pages, events and handlers', async () => {
    const manifest = (await get(withTokens, '/manifest.json')).json();
    expect(jsonErrors(manifest)).toBe('validates');
    expect(manifest.webApplicationInfo).toBeUndefined();
    const xml = parseXml((await get(withTokens, '/manifest.xml')).body);
    expect(manifest.id).toBe(all(xml, (e) => e.name === 'Id')[0]!.text);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.version).toBe(pkg.version);
    expect(all(xml, (e) => e.name === 'Version')[0]!.text).toBe(`${pkg.version}.0`);

    const [extension] = manifest.extensions;
    const runtimes = new Map<string, { code: { page: string; script?: string }; actions: { id: string }[] }>(
      extension.runtimes.map((r: { id: string }) => [r.id, r]),
    );
    const pageOf = (actionId: string) =>
      [...runtimes.values()].find((r) => r.actions.some((a) => a.id === actionId))!.code;
    interface Control {
      id: string;
      actionId: string;
      label: string;
      supertip: { title: string; description: string };
    }
    const controls: [string, Control][] = extension.ribbons.flatMap(
      (ribbon: { contexts: string[]; tabs: { groups: { controls: Control[] }[] }[] }) =>
        ribbon.tabs[0]!.groups[0]!.controls.map((c) => [ribbon.contexts[0], c]),
    );
    expect(controls.map(([context, c]) => [context, c.id, c.label, pageOf(c.actionId).page])).toEqual([
      ['mailCompose', 'SendguardOpenPane', 'Protection', `${PUBLIC_URL}/addin/taskpane.html`],
      ['mailRead', 'SendguardOpenReadPane', 'How it travelled', `${PUBLIC_URL}/addin/readpane.html`],
    ]);
    // Each button says what the XML's button of the same id says.
    const strings = new Map(
      all(xml, (e) => e.name === 'bt:String').map((e) => [e.attributes.id, e.attributes.DefaultValue]),
    );
    for (const [, control] of controls) {
      const twin = all(xml, (e) => e.name === 'Control' && e.attributes.id === control.id)[0]!;
      const said = (name: string) => strings.get(all(twin, (e) => e.name === name)[0]!.attributes.resid!);
      expect([control.label, control.supertip.title, control.supertip.description]).toEqual([
        said('Label'),
        said('Title'),
        said('Description'),
      ]);
    }

    const events = extension.autoRunEvents[0].events.map((e: { type: string; actionId: string }) => [
      e.type,
      e.actionId,
    ]);
    expect(events).toEqual([
      ['newMessageComposeCreated', 'onNewMessageComposeHandler'],
      ['messageRecipientsChanged', 'onMessageRecipientsChangedHandler'],
      ['messageSending', 'onMessageSendHandler'],
    ]);
    // The XML's handlers are the same functions, served by the same runtime page and script.
    expect(all(xml, (e) => e.name === 'LaunchEvent').map((e) => e.attributes.FunctionName)).toEqual(
      events.map(([, handler]: string[]) => handler),
    );
    expect(pageOf('onMessageSendHandler')).toEqual({
      page: `${PUBLIC_URL}/addin/launchevent.html`,
      script: `${PUBLIC_URL}/addin/launchevent.js`,
    });
    const sending = extension.autoRunEvents[0].events[2];
    expect(sending.options).toEqual({ sendMode: 'softBlock' });
  });

  test('the schema refuses a manifest that breaks it', async () => {
    const manifest = (await get(withEntra, '/manifest.json')).json();
    manifest.extensions[0].autoRunEvents[0].events[2].options.sendMode = 'SoftBlock';
    delete manifest.icons.outline;
    const errors = JSON.stringify(jsonErrors(manifest));
    expect(errors).toContain('/extensions/0/autoRunEvents/0/events/2/options/sendMode');
    expect(errors).toContain("must have required property 'outline'");
  });
});

describe('/app-package.zip', () => {
  test('holds manifest.json as served and its two icons at their sizes, at the root', async () => {
    const res = await get(withEntra, '/app-package.zip');
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe('attachment; filename="sendguard-app-package.zip"');
    const entries = unzipSync(new Uint8Array(res.rawPayload));
    expect(Object.keys(entries).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const served = (await get(withEntra, '/manifest.json')).body;
    expect(Buffer.from(entries['manifest.json']!).toString('utf8')).toBe(served);
    const manifest = JSON.parse(served);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(pngHeader(entries['color.png']!)).toEqual({ width: 192, height: 192, colourType: 6 });
    expect(pngHeader(entries['outline.png']!)).toEqual({ width: 32, height: 32, colourType: 6 });
    // Microsoft 365's outline icon: white where drawn, transparent elsewhere.
    const outline = pixels(entries['outline.png']!);
    expect(outline.filter(([r, g, b, a]) => a! > 0 && (r !== 255 || g !== 255 || b !== 255))).toEqual([]);
    expect(outline.filter(([, , , a]) => a === 0).length).toBeGreaterThan(outline.length / 2);
    // The colour icon is opaque where the shield is, and in colour.
    expect(pixels(entries['color.png']!).some(([r, g, b, a]) => a === 255 && b! > r! && b! > g!)).toBe(true);
  });
});

describe('sendguard manifest renders what the service serves', () => {
  const entraFlags = ['--base-url', PUBLIC_URL, '--client-id', CLIENT];

  test('from the service configuration (--config): the same XML and JSON as the service', async () => {
    const file = await configFile({ publicUrl: PUBLIC_URL, ...ENTRA_SETTINGS });
    for (const [format, path] of [
      ['xml', '/manifest.xml'],
      ['json', '/manifest.json'],
    ]) {
      const cli = await runCli(['manifest', '--config', file, '--format', format!]);
      expect(cli).toMatchObject({ code: 0, stderr: '' });
      expect(cli.stdout).toBe((await get(withEntra, path!)).body);
    }
  });

  describe('with Entra in the configuration, --base-url must be its publicUrl', () => {
    const PORTED = 'https://sendguard.example.org:8443/sg';
    const portedResource = `api://sendguard.example.org:8443/${CLIENT}`;
    const withPort = { ...ENTRA_SETTINGS, publicUrl: PORTED };

    test('a publicUrl with a port and a path prefix: the same URL (with a trailing slash) renders', async () => {
      const cli = await runCli([
        'manifest',
        '--config',
        await configFile(withPort),
        '--base-url',
        `${PORTED}/`,
      ]);
      expect(cli).toMatchObject({ code: 0, stderr: '' });
      expect(xsdErrors(cli.stdout)).toBe('validates');
      expect(cli.stdout).toContain(`<Resource>${portedResource}</Resource>`);
      expect(cli.stdout).toContain(`<AppDomain>${PORTED}</AppDomain>`);
    });

    test('another host, port or path is refused, naming publicUrl and the resource', async () => {
      const file = await configFile(withPort);
      for (const other of [
        'https://sendguard.example.org/sg',
        'https://sendguard.example.org:8443/',
        'https://other.example:8443/sg',
      ]) {
        const cli = await runCli(['manifest', '--config', file, '--base-url', other, '--client-id', CLIENT]);
        expect([other, cli.code, cli.stdout]).toEqual([other, 2, '']);
        expect(cli.stderr).toContain(`is not the configuration's publicUrl ${PORTED}`);
        expect(cli.stderr).toContain(portedResource);
      }
    });

    test('an explicit audience is the Resource, and a different --base-url is refused all the same', async () => {
      const audience = `api://addins.example.org/${CLIENT}`;
      const file = await configFile({
        ...withPort,
        auth: { entra: { ...ENTRA_SETTINGS.auth.entra, audience } },
      });
      const same = await runCli(['manifest', '--config', file, '--format', 'json']);
      expect(JSON.parse(same.stdout).webApplicationInfo).toEqual({ id: CLIENT, resource: audience });
      const other = await runCli(['manifest', '--config', file, '--base-url', PUBLIC_URL]);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain(audience);
    });

    test('without Entra a configuration does not fix the base URL', async () => {
      const file = await configFile({ publicUrl: PORTED, auth: { apiTokens: true } });
      const cli = await runCli(['manifest', '--config', file, '--base-url', PUBLIC_URL]);
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(`<AppDomain>${PUBLIC_URL}</AppDomain>`);
    });
  });

  test('from flags, in the combinations the servers above do not serve: valid against the schemas', async () => {
    const entraSoft = await runCli(['manifest', ...entraFlags, '--send-mode', 'SoftBlock']);
    expect(xsdErrors(entraSoft.stdout)).toBe('validates');
    expect(entraSoft.stdout).toContain(`<Resource>${RESOURCE}</Resource>`);
    expect(entraSoft.stdout).toContain('SendMode="SoftBlock"');
    const plainBlock = await runCli(['manifest', '--base-url', PUBLIC_URL, '--send-mode', 'Block']);
    expect(xsdErrors(plainBlock.stdout)).toBe('validates');
    expect(plainBlock.stdout).not.toContain('<WebApplicationInfo');
    for (const args of [
      [...entraFlags, '--send-mode', 'SoftBlock', '--resource', 'api://other.example/x'],
      ['--base-url', PUBLIC_URL, '--send-mode', 'Block'],
    ]) {
      const json = await runCli(['manifest', ...args, '--format', 'json']);
      expect(jsonErrors(JSON.parse(json.stdout))).toBe('validates');
    }
  });

  test('the app package: refused on a terminal, the served bytes through a redirect or --out', async () => {
    const served = (await get(withEntra, '/app-package.zip')).rawPayload;
    const config = await configFile({ publicUrl: PUBLIC_URL, ...ENTRA_SETTINGS });
    const args = ['manifest', '--config', config, '--format', 'zip'];
    const onTerminal = await runCli(args, {}, { terminal: true });
    expect(onTerminal.code).toBe(2);
    expect(onTerminal.stderr).toContain('--out FILE');
    expect(onTerminal.bytes.length).toBe(0);
    const redirected = await runCli(args);
    expect(redirected.code).toBe(0);
    expect(redirected.bytes.equals(served)).toBe(true);
    const out = join(scratchDir('package'), 'package.zip');
    expect((await runCli([...args, '--out', out], {}, { terminal: true })).code).toBe(0);
    expect((await readFile(out)).equals(served)).toBe(true);
  });

  test('refuses what it cannot render', async () => {
    expect((await runCli(['manifest', '--base-url', PUBLIC_URL, '--format', 'pdf'])).code).toBe(2);
    expect(
      (await runCli(['manifest', '--base-url', PUBLIC_URL, '--resource', 'api://x.example/y'])).code,
    ).toBe(2);
    expect((await runCli(['manifest', '--base-url', PUBLIC_URL, '--scope', 'x'])).code).toBe(2);
    const plainHttp = await runCli(['manifest', '--base-url', 'http://x.example', '--client-id', CLIENT]);
    expect(plainHttp).toMatchObject({ code: 1, stderr: expect.stringContaining('must use https') });
  });
});
