// The Outlook add-in's browser bundles, under dist/web/outlook/ (served at /addin/). The pages' bundles and every
// chunk are named by a hash of their content (taskpane.1a2b3c4d.js), so the service lets browsers keep them for
// good (src/server/web/static-areas.ts) while the pages, which name them, are asked for again on every opening;
// launchevent.js (which the manifest names) and the try-it dialog's Office.js keep fixed names. Each script has a
// Brotli and a gzip copy beside it (precompress-plugin.js).
//   taskpane.html + taskpane.js      the compose pane (openpgp.js, MSAL and the pickup client split off into
//                                    chunks loaded on first use)
//   launchevent.js                   the automatic checks in classic Outlook on Windows' JavaScript-only runtime
//                                    (ES2016, one file, signs in with Office SSO: MSAL is not in it)
//   launchevent.html + launchevent-web.js the same checks on the event runtime's page (web, new Outlook, Mac),
//                                    built like the pane, with MSAL's nested app authentication
//   assets/                          the manifest's icons
//   signin.html + signin.js          the pane's sign-in window (Office dialog API), where neither nested app
//                                    authentication nor Office SSO can sign the sender in
//   readpane.html + readpane.js      the read pane: a received message's transport report
//   tryit/index.html + tryit/tryit.js the "try it without Outlook" page (served at /try/; its bundles from /addin/)
//   tryit/read.html + tryit/read.js   its read mode (/try/read.html), beside the read pane bundle
//   tryit/dialog-office.js            Office.js for a window the simulated Outlook's dialog API opened
const { join } = require('node:path');
const { NormalModuleReplacementPlugin } = require('webpack');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { PrecompressPlugin } = require('./precompress-plugin');

const OFFICE_JS = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

/** The shared SWC rule with another language target. */
function withTarget(common, target) {
  const [rule] = common.module.rules;
  return {
    ...common.module,
    rules: [
      {
        ...rule,
        use: { ...rule.use, options: { ...rule.use.options, jsc: { ...rule.use.options.jsc, target } } },
      },
    ],
  };
}

function page(filename, title, chunks, extraHead = '') {
  return new HtmlWebpackPlugin({
    filename,
    chunks,
    scriptLoading: 'blocking',
    inject: 'body',
    templateContent: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>${extraHead}</head><body><div id="root"></div></body></html>`,
  });
}

/** Entries named as they are: the simulated dialog window's page names this script directly. */
const FIXED_NAMES = new Set(['tryit/dialog-office']);

/**
 * A try-it page (a template naming the add-in's bundles by `htmlWebpackPlugin.files`): served at /try/, it loads
 * the bundles from /addin/, where they are served.
 */
function tryPage(root, filename, template, chunks) {
  return new HtmlWebpackPlugin({
    filename,
    inject: false,
    chunks,
    publicPath: '/addin/',
    template: join(root, 'src/outlook/tryit', template),
  });
}

module.exports = ({ common, root, outputRoot }) => {
  const output = join(outputRoot, 'outlook');
  const officeScript = `<script src="${OFFICE_JS}"></script>`;
  const pane = {
    ...common,
    name: 'outlook-pane',
    target: ['web', 'es2020'],
    entry: {
      taskpane: join(root, 'src/outlook/taskpane.tsx'),
      signin: join(root, 'src/outlook/auth/signin-page.ts'),
      'launchevent-web': join(root, 'src/outlook/launchevent.ts'),
      readpane: join(root, 'src/outlook/readpane.tsx'),
      'tryit/tryit': join(root, 'src/outlook/tryit/tryit.ts'),
      'tryit/read': join(root, 'src/outlook/tryit/read.ts'),
      'tryit/dialog-office': join(root, 'src/outlook/tryit/dialog-office.ts'),
    },
    output: {
      path: output,
      filename: ({ chunk }) => (FIXED_NAMES.has(chunk.name) ? '[name].js' : '[name].[contenthash:8].js'),
      chunkFilename: 'chunks/[name].[contenthash:8].js',
      publicPath: 'auto',
      clean: false,
    },
    plugins: [
      page('taskpane.html', 'Sendguard', ['taskpane'], officeScript),
      page('signin.html', 'Sign in to Sendguard', ['signin'], officeScript),
      page('launchevent.html', 'Sendguard checks', ['launchevent-web'], officeScript),
      page('readpane.html', 'Sendguard: how this message travelled', ['readpane'], officeScript),
      tryPage(root, 'tryit/index.html', 'index.html', ['tryit/tryit', 'launchevent-web', 'taskpane']),
      tryPage(root, 'tryit/read.html', 'read.html', ['tryit/read', 'readpane']),
      new CopyWebpackPlugin({ patterns: [{ from: join(root, 'assets/*.png'), to: 'assets/[name][ext]' }] }),
      new PrecompressPlugin(),
    ],
  };
  // Classic Outlook's JavaScript-only runtime: ES2016 syntax in our code and webpack's own runtime, one file.
  const launchevent = {
    ...common,
    name: 'outlook-launchevent',
    target: ['web', 'es2016'],
    module: { ...withTarget(common, 'es2016'), parser: { javascript: { exportsPresence: 'error' } } },
    // zod (ES2018+) cannot run here: the handler's core imports are the plain word lists of core/vocabulary.ts, and
    // the build fails rather than bundle zod if that ever changes. tr46 (with its Unicode tables) and
    // email-addresses are the pane's full address parsing, too large for the handler, which compares addresses by
    // core/mailbox-key.ts: the build fails rather than bundle either.
    resolve: {
      ...common.resolve,
      alias: {
        zod$: join(root, 'src/outlook/no-zod-in-the-send-handler--import-core-vocabulary-instead'),
        tr46$: join(root, 'src/outlook/no-tr46-in-the-send-handler--import-core-mailbox-key-instead'),
        'email-addresses$': join(
          root,
          'src/outlook/no-email-addresses-in-the-send-handler--import-core-mailbox-key-instead',
        ),
        // MSAL needs a browser window (and is ES2020): the runtime's page build has it, this one must not.
        '@azure/msal-browser$': join(
          root,
          'src/outlook/no-msal-in-the-javascript-only-runtime--see-auth-naa-absent',
        ),
      },
    },
    entry: { launchevent: join(root, 'src/outlook/launchevent.ts') },
    output: {
      path: output,
      filename: '[name].js',
      publicPath: '',
      environment: {
        arrowFunction: true,
        const: true,
        destructuring: true,
        forOf: true,
        templateLiteral: true,
        asyncFunction: false,
        bigIntLiteral: false,
        dynamicImport: false,
        module: false,
        optionalChaining: false,
        globalThis: false,
      },
    },
    optimization: { splitChunks: false, runtimeChunk: false },
    // Nested app authentication is the runtime page's; here the token chain falls back to Office SSO.
    plugins: [new NormalModuleReplacementPlugin(/\/auth\/naa$/, './auth/naa-absent')],
  };
  return [pane, launchevent];
};
