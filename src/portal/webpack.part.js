// The pickup portal: one page, served by the backend at /pickup/ with the headers in
// src/server/escrow/headers.ts. `--env only=portal` (or only=portal,outlook) builds just the named areas.
const { join } = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');

module.exports = ({ common, outputRoot, env }) => {
  if (env.only && !String(env.only).split(',').includes('portal')) return [];
  return {
    ...common,
    name: 'portal',
    entry: { portal: join(__dirname, 'main.tsx') },
    output: {
      path: join(outputRoot, 'portal'),
      filename: '[name].[contenthash:8].js',
      // Relative: the page works wherever the backend mounts it.
      publicPath: './',
      clean: true,
    },
    plugins: [
      new HtmlWebpackPlugin({
        template: join(__dirname, 'index.html'),
        filename: 'index.html',
        inject: 'body',
        scriptLoading: 'defer',
      }),
    ],
  };
};
