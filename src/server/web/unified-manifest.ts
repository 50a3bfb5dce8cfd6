/**
 * The unified manifest for Microsoft 365 (manifest.json in the app package the admin centre takes), with the
 * capabilities manifest.xml declares: the compose button opening the pane, the read pane button, and the send
 * check's events handled by the event runtime, for this deployment's URL, send mode and sign-in. Pure, so the
 * server (`/manifest.json`, `/app-package.zip`) and the CLI (`sendguard manifest --format json|zip`) agree.
 */
import {
  addinUrl,
  checkedBase,
  checkedSendMode,
  type ManifestOptions,
  type SendMode,
} from '../../core/deployment';
import { PRIVACY_PATH, TERMS_PATH } from './policy-pages';

/** The schema version written: the newest one @microsoft/app-manifest publishes, with autoRunEvents and sendMode. */
const UNIFIED_MANIFEST_VERSION = '1.30';

/** The add-in's identity: the same GUID as manifest.xml's `<Id>`, so both formats are one add-in. */
const ADDIN_ID = '6f1d7c52-3b8e-4f7a-9c2d-5e4b8a1f0c37';

/** The package's icon files, at the zip's root. */
export const PACKAGE_ICONS = { color: 'color.png', outline: 'outline.png' } as const;

/**
 * The organisation's own pages the manifest names for the admin centre (`publisher` in the configuration).
 * Without them it names the service's home page and its own privacy and terms pages.
 */
export interface PublisherPages {
  privacyUrl: string;
  termsOfUseUrl: string;
  websiteUrl?: string | undefined;
}

/** What the deployment adds to the manifests' options for the unified manifest. */
export interface DeploymentOptions extends ManifestOptions {
  publisher?: PublisherPages | undefined;
}

export interface UnifiedManifestOptions extends DeploymentOptions {
  /** The product's version, `major.minor.patch` (package.json's). */
  version: string;
}

/** The same texts manifest.xml's Resources hold. */
const TEXT = {
  group: 'Sendguard',
  paneButton: 'Protection',
  paneTooltip: "See how each recipient's copy will be protected, and apply it.",
  readButton: 'How it travelled',
  readTooltip: 'See whether this message travelled encrypted, hop by hop, as far as its headers record.',
  description:
    "Shows before you send how each recipient's copy is protected (forced TLS, OpenPGP or secure pickup) and stops messages that would leave less protected than your organisation requires.",
} as const;

/**
 * The event handlers, as launchevent.ts associates them. In the unified manifest an event runs an action whose id
 * is the function's name.
 */
const EVENTS = [
  { type: 'newMessageComposeCreated', actionId: 'onNewMessageComposeHandler' },
  { type: 'messageRecipientsChanged', actionId: 'onMessageRecipientsChangedHandler' },
  { type: 'messageSending', actionId: 'onMessageSendHandler' },
] as const;

/** manifest.xml's SendMode values, in the unified manifest's spelling. */
const UNIFIED_SEND_MODES: Record<SendMode, string> = { SoftBlock: 'softBlock', Block: 'block' };

const mailbox = (minVersion: string) => ({ capabilities: [{ name: 'Mailbox', minVersion }] });

function buttonIcons(baseUrl: string) {
  return [16, 32, 80].map((size) => ({ size, url: addinUrl(baseUrl, `assets/icon-${size}.png`) }));
}

function button(baseUrl: string, id: string, label: string, tooltip: string, actionId: string) {
  return {
    id,
    type: 'button',
    label,
    icons: buttonIcons(baseUrl),
    supertip: { title: label, description: tooltip },
    actionId,
  };
}

/** One ribbon: a group on the default tab of the compose or read window, with one button. */
function ribbon(context: 'mailCompose' | 'mailRead', groupId: string, control: ReturnType<typeof button>) {
  return {
    contexts: [context],
    tabs: [{ builtInTabId: 'TabDefault', groups: [{ id: groupId, label: TEXT.group, controls: [control] }] }],
  };
}

function pageRuntime(baseUrl: string, id: string, page: string, actionId: string) {
  return {
    id,
    type: 'general',
    code: { page: addinUrl(baseUrl, page) },
    lifetime: 'short',
    actions: [{ id: actionId, type: 'openPage' }],
  };
}

function publisherPages(site: string, publisher: PublisherPages | undefined) {
  return {
    websiteUrl: publisher?.websiteUrl ?? `${site}/`,
    privacyUrl: publisher?.privacyUrl ?? `${site}${PRIVACY_PATH}`,
    termsOfUseUrl: publisher?.termsOfUseUrl ?? `${site}${TERMS_PATH}`,
  };
}

export function unifiedManifest(options: UnifiedManifestOptions): Record<string, unknown> {
  const { baseUrl, signIn, version } = options;
  const sendMode = UNIFIED_SEND_MODES[checkedSendMode(options.sendMode)];
  const site = checkedBase(baseUrl);
  return {
    $schema: `https://developer.microsoft.com/json-schemas/teams/v${UNIFIED_MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
    manifestVersion: UNIFIED_MANIFEST_VERSION,
    version,
    id: ADDIN_ID,
    localizationInfo: { defaultLanguageTag: 'en-us' },
    developer: { name: 'Sendguard', ...publisherPages(site, options.publisher) },
    name: { short: 'Sendguard', full: 'Sendguard for Outlook' },
    description: {
      short: 'How each recipient is protected, checked before you send.',
      full: TEXT.description,
    },
    icons: { color: PACKAGE_ICONS.color, outline: PACKAGE_ICONS.outline },
    accentColor: '#0F62BE',
    validDomains: [new URL(site).host],
    ...(signIn ? { webApplicationInfo: { id: signIn.clientId, resource: signIn.resource } } : {}),
    authorization: {
      permissions: { resourceSpecific: [{ name: 'MailboxItem.ReadWrite.User', type: 'Delegated' }] },
    },
    extensions: [
      {
        requirements: { scopes: ['mail'], ...mailbox('1.3') },
        runtimes: [
          pageRuntime(baseUrl, 'TaskPaneRuntime', 'taskpane.html', 'openPane'),
          pageRuntime(baseUrl, 'ReadPaneRuntime', 'readpane.html', 'openReadPane'),
          {
            // The page serves web, new Outlook and Mac; classic Outlook on Windows runs the script alone.
            requirements: mailbox('1.12'),
            id: 'EventRuntime',
            type: 'general',
            code: {
              page: addinUrl(baseUrl, 'launchevent.html'),
              script: addinUrl(baseUrl, 'launchevent.js'),
            },
            lifetime: 'short',
            actions: EVENTS.map(({ actionId }) => ({ id: actionId, type: 'executeFunction' })),
          },
        ],
        ribbons: [
          ribbon(
            'mailCompose',
            'SendguardComposeGroup',
            button(baseUrl, 'SendguardOpenPane', TEXT.paneButton, TEXT.paneTooltip, 'openPane'),
          ),
          ribbon(
            'mailRead',
            'SendguardReadGroup',
            button(baseUrl, 'SendguardOpenReadPane', TEXT.readButton, TEXT.readTooltip, 'openReadPane'),
          ),
        ],
        autoRunEvents: [
          {
            // As in manifest.xml: a client that cannot run the send check installs only the buttons.
            requirements: mailbox('1.12'),
            events: EVENTS.map((event) =>
              event.type === 'messageSending' ? { ...event, options: { sendMode } } : { ...event },
            ),
          },
        ],
        // Lets the admin centre derive an add-in only manifest for clients that cannot read this one.
        alternates: [
          {
            alternateIcons: {
              icon: { size: 64, url: addinUrl(baseUrl, 'assets/icon-64.png') },
              highResolutionIcon: { size: 64, url: addinUrl(baseUrl, 'assets/icon-128.png') },
            },
          },
        ],
      },
    ],
  };
}
