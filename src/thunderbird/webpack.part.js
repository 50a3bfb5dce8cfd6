// The Thunderbird add-on. The unpacked add-on goes to dist/web/thunderbird/ (background.js, popup.html + popup.js
// with openpgp.js split into a chunk loaded on first use, display.html + display.js for the message display
// button's transport report, options.html + options.js, manifest.json, icons/), and
// in production builds the installable package to dist/thunderbird/sendguard-<version>.xpi, zipped by web-ext.
const { join } = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');

/** web-ext is ESM-only; it zips the add-on as AMO expects (and checks the manifest on the way). */
class XpiPlugin {
  constructor(sourceDir, artifactsDir, filename) {
    Object.assign(this, { sourceDir, artifactsDir, filename });
  }
  apply(compiler) {
    compiler.hooks.afterEmit.tapPromise('XpiPlugin', async () => {
      const webExt = await import('web-ext');
      await webExt.default.cmd.build(
        {
          sourceDir: this.sourceDir,
          artifactsDir: this.artifactsDir,
          filename: this.filename,
          overwriteDest: true,
          ignoreFiles: ['*.map'],
        },
        { shouldExitProgram: false, showReadyMessage: false },
      );
    });
  }
}

/** A button's popup page: `<chunk>.html` running `<chunk>.js`. */
function popupPage(chunk, title) {
  return new HtmlWebpackPlugin({
    filename: `${chunk}.html`,
    chunks: [chunk],
    scriptLoading: 'blocking',
    inject: 'body',
    templateContent: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{margin:0;width:420px;min-height:200px}</style></head><body><div id="root"></div></body></html>`,
  });
}

module.exports = ({ common, root, outputRoot, argv }) => {
  const output = join(outputRoot, 'thunderbird');
  const { version } = require(join(root, 'package.json'));
  return {
    ...common,
    name: 'thunderbird',
    target: ['web', 'es2020'],
    entry: {
      background: join(root, 'src/thunderbird/background.ts'),
      popup: join(root, 'src/thunderbird/popup.tsx'),
      display: join(root, 'src/thunderbird/display.tsx'),
      options: join(root, 'src/thunderbird/options.ts'),
    },
    // Add-on pages may not evaluate strings as code, which webpack's eval source maps do.
    devtool: common.mode === 'production' ? 'source-map' : 'cheap-module-source-map',
    output: {
      path: output,
      filename: '[name].js',
      chunkFilename: 'chunks/[name].[contenthash:8].js',
      publicPath: '',
      clean: true,
    },
    plugins: [
      popupPage('popup', 'Sendguard'),
      popupPage('display', 'Sendguard: how this message travelled'),
      new CopyWebpackPlugin({
        patterns: [
          { from: join(root, 'src/thunderbird/options.html') },
          {
            from: join(root, 'src/thunderbird/manifest.json'),
            transform: (content) => JSON.stringify({ ...JSON.parse(content), version }, null, 2),
          },
          { from: join(root, 'assets/icon-{16,32,64,128}.png'), to: 'icons/[name][ext]' },
        ],
      }),
      ...(argv.mode === 'development'
        ? []
        : [new XpiPlugin(output, join(root, 'dist', 'thunderbird'), `sendguard-${version}.xpi`)]),
    ],
  };
};
