/**
 * manifest.xml checked offline for what its schemas cannot say (manifest-validation.test.ts validates it against
 * them): every resid defined, the launch events served by the runtime, every commandId
 * the code uses a control, every URL a file the build produces; and its rendering per deployment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPEN_PANE_COMMAND } from '../../src/outlook/config';
import { MANIFEST_HELP } from '../../src/cli/help';
import { BASE_URL_PLACEHOLDER, SEND_MODES, renderManifest, withBaseUrl } from '../../src/core/deployment';
import { parseConfig } from '../../src/server/config';
import { buildOutlook, OUTLOOK_DIST, ROOT } from './built-addin';
import { all, parseXml } from './xml-tree';

const template = readFileSync(join(ROOT, 'manifest.xml'), 'utf8');
const root = parseXml(template);
const byName = (name: string) => all(root, (e) => e.name === name);

describe('manifest.xml', () => {
  test('is well-formed XML with a MailApp root', () => {
    expect(root.name).toBe('OfficeApp');
    expect(root.attributes['xsi:type']).toBe('MailApp');
  });

  test('VersionOverridesV1_0 wraps VersionOverridesV1_1', () => {
    const outer = root.children.find((c) => c.name === 'VersionOverrides')!;
    expect(outer.attributes['xsi:type']).toBe('VersionOverridesV1_0');
    expect(outer.children.find((c) => c.name === 'VersionOverrides')?.attributes['xsi:type']).toBe(
      'VersionOverridesV1_1',
    );
  });

  test('every resid is defined in the Resources of its own VersionOverrides', () => {
    for (const overrides of byName('VersionOverrides')) {
      const own = { ...overrides, children: overrides.children.filter((c) => c.name !== 'VersionOverrides') };
      const defined = new Set(
        all(
          own,
          (e) => e.name.startsWith('bt:') && 'id' in e.attributes && 'DefaultValue' in e.attributes,
        ).map((e) => e.attributes.id),
      );
      const used = all(own, (e) => 'resid' in e.attributes).map((e) => e.attributes.resid!);
      expect(used.filter((id) => !defined.has(id))).toEqual([]);
    }
  });

  test("the launch events' source is the runtime, and their functions are the ones the bundle associates", () => {
    const runtime = byName('Runtime')[0]!;
    const launch = byName('ExtensionPoint').find((e) => e.attributes['xsi:type'] === 'LaunchEvent')!;
    expect(launch.children.find((c) => c.name === 'SourceLocation')?.attributes.resid).toBe(
      runtime.attributes.resid,
    );
    expect(runtime.children.find((c) => c.name === 'Override')?.attributes.type).toBe('javascript');
    const events = byName('LaunchEvent').map((e) => [e.attributes.Type, e.attributes.FunctionName]);
    expect(events).toEqual([
      ['OnNewMessageCompose', 'onNewMessageComposeHandler'],
      ['OnMessageRecipientsChanged', 'onMessageRecipientsChangedHandler'],
      ['OnMessageSend', 'onMessageSendHandler'],
    ]);
    const code = readFileSync(join(ROOT, 'src/outlook/launchevent.ts'), 'utf8');
    for (const [, name] of events) expect(code).toContain(`associate('${name}'`);
  });

  test('every commandId the code uses is a control id', () => {
    const controls = new Set(byName('Control').map((c) => c.attributes.id));
    expect(controls.has(OPEN_PANE_COMMAND)).toBe(true);
  });

  test('a reader gets the read pane: a read-surface button in each VersionOverrides, and the legacy read form', () => {
    for (const overrides of byName('VersionOverrides')) {
      const own = { ...overrides, children: overrides.children.filter((c) => c.name !== 'VersionOverrides') };
      const urls = new Map(
        all(own, (e) => e.name === 'bt:Url').map((e) => [e.attributes.id, e.attributes.DefaultValue]),
      );
      const read = all(own, (e) => e.attributes['xsi:type'] === 'MessageReadCommandSurface');
      expect(read).toHaveLength(1);
      const buttons = all(read[0]!, (e) => e.name === 'Control' && e.attributes['xsi:type'] === 'Button');
      const panes = buttons.flatMap((button) =>
        all(button, (e) => e.name === 'Action' && e.attributes['xsi:type'] === 'ShowTaskpane'),
      );
      const sources = panes.map((action) => urls.get(action.children[0]!.attributes.resid!));
      expect(sources).toEqual([`${BASE_URL_PLACEHOLDER}/addin/readpane.html`]);
    }
    const readForm = byName('Form').find((f) => f.attributes['xsi:type'] === 'ItemRead')!;
    expect(all(readForm, (e) => e.name === 'SourceLocation')[0]!.attributes.DefaultValue).toBe(
      `${BASE_URL_PLACEHOLDER}/addin/readpane.html`,
    );
    expect(byName('Rule').map((r) => r.attributes.FormType)).toContain('Read');
  });

  test('control ids are unique within each VersionOverrides', () => {
    for (const overrides of byName('VersionOverrides')) {
      const own = { ...overrides, children: overrides.children.filter((c) => c.name !== 'VersionOverrides') };
      const ids = all(own, (e) => e.name === 'Control' || e.name === 'Group').map((e) => e.attributes.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test('every URL points at a file the build produces', () => {
    buildOutlook();
    const urls = [
      ...all(
        root,
        (e) => 'DefaultValue' in e.attributes && e.attributes.DefaultValue!.startsWith('https://'),
      ).map((e) => e.attributes.DefaultValue!),
    ].filter((url) => url.startsWith(`${BASE_URL_PLACEHOLDER}/addin/`));
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) {
      const file = join(OUTLOOK_DIST, url.slice(`${BASE_URL_PLACEHOLDER}/addin/`.length));
      expect({ url, exists: existsSync(file) }).toEqual({ url, exists: true });
    }
    const others = all(root, (e) => /^https:\/\//.test(e.attributes.DefaultValue ?? e.text)).map(
      (e) => e.attributes.DefaultValue ?? e.text,
    );
    expect(others.filter((u) => !u.startsWith(BASE_URL_PLACEHOLDER))).toEqual([]);
  }, 240_000);

  test('every icon size the manifest names exists at that size', () => {
    for (const image of byName('bt:Image').filter((e) => e.attributes.size)) {
      const resource = byName('bt:Image').find((e) => e.attributes.id === image.attributes.resid)!;
      const png = readFileSync(join(ROOT, 'assets', resource.attributes.DefaultValue!.split('/').pop()!));
      expect(png.readUInt32BE(16)).toBe(Number(image.attributes.size));
    }
  });
});

describe('renderManifest', () => {
  test('puts the base URL everywhere and the send mode on OnMessageSend', () => {
    const rendered = renderManifest(template, {
      baseUrl: 'https://sendguard.example.org/',
      sendMode: 'Block',
    });
    expect(rendered).not.toContain(BASE_URL_PLACEHOLDER);
    expect(rendered).toContain('https://sendguard.example.org/addin/launchevent.js');
    expect(rendered).toContain('SendMode="Block"');
    expect(parseXml(rendered).name).toBe('OfficeApp');
  });

  test('defaults to SoftBlock and refuses what Outlook would not load', () => {
    expect(renderManifest(template, { baseUrl: 'https://a.example' })).toContain('SendMode="SoftBlock"');
    expect(() => renderManifest(template, { baseUrl: 'http://a.example' })).toThrow(/https/);
    expect(() => renderManifest(template, { baseUrl: 'https://a.example/?x=1' })).toThrow(/query/);
    expect(() =>
      renderManifest(template, { baseUrl: 'https://a.example', sendMode: 'Prompt' as never }),
    ).toThrow();
  });

  test('plain HTTP only for a service on this machine, and then marked as not installable', () => {
    for (const baseUrl of ['http://localhost:3000', 'http://127.0.0.9:8080/sg', 'http://[::1]:3000']) {
      const rendered = renderManifest(template, { baseUrl });
      expect(rendered).toContain(`<SourceLocation DefaultValue="${baseUrl}/addin/taskpane.html"/>`);
      expect(rendered).toContain('Outlook installs add-ins over HTTPS only');
      expect(parseXml(rendered).name).toBe('OfficeApp');
    }
    for (const baseUrl of ['http://a.example', 'http://127.0.0.1.example', 'http://10.0.0.1'])
      expect(() => renderManifest(template, { baseUrl })).toThrow(/must use https/);
    expect(renderManifest(template, { baseUrl: 'https://a.example' })).not.toContain('HTTPS only');
  });

  test('the send modes are one list: the manifest, the service configuration and the CLI accept the same', () => {
    expect(SEND_MODES).toEqual(['SoftBlock', 'Block']);
    for (const mode of SEND_MODES) {
      expect(renderManifest(template, { baseUrl: 'https://a.example', sendMode: mode })).toContain(
        `SendMode="${mode}"`,
      );
      expect(parseConfig({ sendMode: mode }).sendMode).toBe(mode);
    }
    expect(() => parseConfig({ sendMode: 'Prompt' as never })).toThrow(/sendMode/);
    expect(MANIFEST_HELP).toContain('--send-mode SoftBlock|Block');
  });

  test('withBaseUrl rewrites the send handler bundle the same way', () => {
    expect(withBaseUrl(`const u="${BASE_URL_PLACEHOLDER}";`, 'https://b.example/sg')).toBe(
      'const u="https://b.example/sg";',
    );
  });
});
