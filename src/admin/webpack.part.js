// The admin console: one page, served by the backend at /admin/ (src/server/web/static-areas.ts). Its bundle
// and the pages loaded on first use (chunks) are named by a hash of their content, so the service lets browsers
// keep them for good while index.html, which names them, is asked for again on every opening. Each script has a
// Brotli and a gzip copy beside it (the precompression plugin webpack.config.js hands every area).
const { join } = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');

module.exports = ({ common, outputRoot, env, precompress }) => {
  if (env.only && !String(env.only).split(',').includes('admin')) return [];
  return {
    ...common,
    name: 'admin',
    target: ['web', 'es2020'],
    entry: { admin: join(__dirname, 'main.tsx') },
    // The shell loads each page by a dynamic import, written with `.js` as the compiler's Node16 rules ask.
    resolve: { ...common.resolve, extensionAlias: { '.js': ['.tsx', '.ts', '.js'] } },
    output: {
      path: join(outputRoot, 'admin'),
      filename: '[name].[contenthash:8].js',
      chunkFilename: 'chunks/[name].[contenthash:8].js',
      // Relative: the page works wherever the backend mounts it.
      publicPath: './',
      clean: true,
    },
    plugins: [
      new HtmlWebpackPlugin({
        filename: 'index.html',
        inject: 'body',
        scriptLoading: 'defer',
        templateContent: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sendguard admin</title></head><body style="margin:0"><div id="root"></div></body></html>`,
      }),
      precompress(),
    ],
  };
};
