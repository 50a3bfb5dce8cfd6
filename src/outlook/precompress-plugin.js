// Writes a Brotli (.br) and a gzip (.gz) copy beside every script a build emits, once it is final (minified,
// hashed, its source map named): the service sends the copy the browser accepts (@fastify/static's
// `preCompressed`), so a first opening downloads about a quarter of the bytes without compressing per request.
// Every script gets its copies, however small, so that no copy of an earlier build outlives its script.
const { brotliCompressSync, constants, gzipSync } = require('node:zlib');

const NAME = 'SendguardPrecompress';

class PrecompressPlugin {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap(NAME, (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: NAME, stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER },
        (assets) => {
          for (const [name, source] of Object.entries(assets)) {
            if (!name.endsWith('.js')) continue;
            const bytes = source.buffer();
            const brotli = brotliCompressSync(bytes, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
              },
            });
            compilation.emitAsset(`${name}.br`, new sources.RawSource(brotli));
            compilation.emitAsset(`${name}.gz`, new sources.RawSource(gzipSync(bytes, { level: 9 })));
          }
        },
      );
    });
  }
}

module.exports = { PrecompressPlugin };
