// The `sendguard` command bundled, so that Node reads and compiles a file or two instead of some eighty:
// dist/cli/main.bundle.js (the dispatcher and the help texts) and dist/cli/check.bundle.js (`check` with the DNS,
// network, transport and mailbox-access code and packages under it), which bin/sendguard.js runs when they are at
// least as new as the compiled tree. Every other file of src/ stays external and is required from the compiled
// tree (dist/) when a command needs it: the other commands, the service (fastify and its plugins, the stores with
// their native and optional packages), the configuration with its schemas, and the files that find their data
// relative to their own location (__dirname). The error classes the dispatcher recognises (core/errors.ts,
// cli/io.ts) are external too, so that there is one of each whichever side throws. `webpack --config-name cli`
// builds just these; `--env cliOut=DIR` writes them to DIR instead (the tests build there, not into the shared
// dist/cli).
const { join, relative, resolve, sep } = require('node:path');
const { Compilation, sources, WebpackError } = require('webpack');

/** Each bundle and its entry in src/cli; one bundle requires another by its file name. */
const ENTRIES = { main: 'main.ts', check: 'commands/check.ts' };

/** The files of src/ that go into a bundle; every other file of src/ is required from dist/ at run time. */
const BUNDLED = [
  /^cli\/(main|help|each-argument|network-options)\.ts$/,
  /^core\/(?!errors\.ts$)/,
  /^server\/(transport|mailbox|dns|net)\//,
  // The small memory helpers the transport and mailbox services keep their reports with.
  /^server\/store\/(bounded-cache|made-once|writes-in-order|report-cache)\.ts$/,
];

/**
 * Packages required from node_modules when first used rather than bundled: tr46's IDNA tables, which only a name
 * that is not plain ASCII needs (core/addresses.ts), would be most of the `check` bundle.
 */
const UNBUNDLED_PACKAGES = ['tr46'];

/**
 * Written beside the bundles: their file names, and the compiled file (as `require` takes it from the bundles)
 * of every file of src/ they hold. bin/sendguard.js runs the bundles only while each is at least as new as every
 * one of these, so that a `tsc` run since, even one that rewrote a single file, makes it run the compiled tree.
 */
const MANIFEST = 'bundles.json';

module.exports = ({ common, root, env = {} }) => {
  const src = join(root, 'src');
  const out = env.cliOut ? resolve(env.cliOut) : join(root, 'dist', 'cli');
  const inSrc = (file) => relative(src, file).split(sep).join('/');
  /** The compiled file of a file of src/, relative to the bundles, as `require` takes it. */
  const compiledFrom = (path) => {
    const compiled = relative(out, join(root, 'dist', path.replace(/\.ts$/, '.js')))
      .split(sep)
      .join('/');
    return compiled.startsWith('.') ? compiled : `./${compiled}`;
  };

  const bundleOf = new Map(
    Object.entries(ENTRIES).map(([name, file]) => [`cli/${file}`, `./${name}.bundle.js`]),
  );

  /**
   * Another bundle's entry: that bundle. A file of src/ not bundled: the compiled file, relative to the bundles,
   * as `require` takes it.
   */
  function external({ request, context, getResolve }, callback) {
    if (UNBUNDLED_PACKAGES.includes(request)) return callback(null, `commonjs ${request}`);
    if (!request.startsWith('.')) return callback();
    getResolve()(context, request, (error, file) => {
      if (error) return callback(error);
      const path = inSrc(file);
      if (bundleOf.has(path)) return callback(null, `commonjs ${bundleOf.get(path)}`);
      if (path.startsWith('..') || BUNDLED.some((pattern) => pattern.test(path))) return callback();
      callback(null, `commonjs ${compiledFrom(path)}`);
    });
  }

  /** Emits MANIFEST with the bundles, so that it is written whenever they are. */
  function writeManifest(compiler) {
    compiler.hooks.thisCompilation.tap('cli-manifest', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'cli-manifest', stage: Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE },
        () => {
          const bundles = Object.keys(ENTRIES).map((name) => `${name}.bundle.js`);
          const builtFrom = new Set();
          for (const module of compilation.modules) {
            for (const file of resourcesOf(module)) {
              const path = inSrc(file);
              if (!path.startsWith('..')) builtFrom.add(compiledFrom(path));
            }
          }
          const manifest = { bundles, builtFrom: [...builtFrom].sort() };
          compilation.emitAsset(MANIFEST, new sources.RawSource(`${JSON.stringify(manifest, null, 1)}\n`));
        },
      );
    });
  }

  return {
    ...common,
    name: 'cli',
    target: 'node20',
    entry: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(__dirname, file)])),
    output: {
      path: out,
      filename: '[name].bundle.js',
      library: { type: 'commonjs2' },
      // Written on every build, even unchanged: bin/sendguard.js runs the bundles only when they are newer than
      // the compiled files they hold (MANIFEST).
      compareBeforeEmit: false,
    },
    // Node's own __dirname at run time would be dist/cli for every bundled file: refuse the build instead.
    node: false,
    plugins: [{ apply: refuseDirname }, { apply: writeManifest }],
    externals: [external],
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            // As the tests compile the source (jest.config.js): the same classes and fields as tsc's output.
            // Printed without comments or spaces, names kept (error names, stack traces), and in ASCII, which V8
            // keeps at one byte a character.
            options: {
              minify: true,
              jsc: {
                parser: { syntax: 'typescript' },
                target: 'es2022',
                minify: { compress: false, mangle: false, format: { comments: false } },
                output: { charset: 'ascii' },
              },
            },
          },
        },
      ],
    },
    optimization: { minimize: false },
  };
};

/** The files a module was made from: a concatenated module's are those of the modules it joins. */
function resourcesOf(module) {
  if (module.modules) return [...module.modules].flatMap(resourcesOf);
  return module.resource ? [module.resource] : [];
}

/** A bundled file that names __dirname or __filename fails the build (see `node: false` above). */
function refuseDirname(compiler) {
  compiler.hooks.normalModuleFactory.tap('refuse-dirname', (factory) => {
    for (const type of ['javascript/auto', 'javascript/dynamic', 'javascript/esm']) {
      factory.hooks.parser.for(type).tap('refuse-dirname', (parser) => {
        for (const name of ['__dirname', '__filename']) {
          parser.hooks.expression.for(name).tap('refuse-dirname', () => {
            parser.state.module.addError(
              new WebpackError(
                `${name} in a bundled file of the CLI: make it external (src/cli/webpack.part.js)`,
              ),
            );
            return undefined;
          });
        }
      });
    }
  });
}
