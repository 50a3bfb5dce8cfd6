// The browser bundles: each product area describes its own bundles in a `webpack.part.js` beside its code
// (src/outlook, src/portal, src/admin, src/thunderbird), so this file only lists the areas and the settings they
// share. Output goes under dist/web/<area>/, which the backend serves. The command line's bundles (src/cli) go to
// dist/cli/ beside the compiled tree it loads the rest from.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const AREAS = ['outlook', 'portal', 'admin', 'thunderbird', 'cli'];
/** Brotli and gzip copies beside each script: build tooling any area's part may use. */
const { PrecompressPlugin } = require('./src/outlook/precompress-plugin');

/** Settings every bundle shares: TypeScript and TSX through SWC, source maps, and the build mode. */
function common(argv) {
  const production = argv.mode !== 'development';
  return {
    mode: production ? 'production' : 'development',
    devtool: production ? 'source-map' : 'eval-cheap-module-source-map',
    resolve: {
      extensions: ['.ts', '.tsx', '.js'],
      // The secure-pickup client, loaded on first use (src/addin/protect/escrow-module.d.ts says why an alias).
      alias: { 'sendguard-escrow$': join(__dirname, 'src/addin/protect/escrow/index.ts') },
    },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'automatic' } },
                target: 'es2020',
              },
            },
          },
        },
      ],
    },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
}

module.exports = (env = {}, argv = {}) =>
  AREAS.map((area) => join(__dirname, 'src', area, 'webpack.part.js'))
    .filter((file) => existsSync(file))
    .flatMap((file) =>
      require(file)({
        common: common(argv),
        root: __dirname,
        outputRoot: join(__dirname, 'dist', 'web'),
        precompress: () => new PrecompressPlugin(),
        env,
        argv,
      }),
    );
