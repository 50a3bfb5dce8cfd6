// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

const nodeBuiltins = require('node:module').builtinModules;

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test/artifacts/', 'test/testbed/run/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const { Buffer } = require('node:buffer')` is the explicit form, not a clash with the global.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Bench scripts hand functions to the browser page they drive (page.evaluate).
    files: ['bench/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // Tests build raw documents (policies, wire objects) field by field to break them on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // DESIGN.md: core imports nothing from the other folders and no I/O; it runs in Outlook's JS-only runtime.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((name) => [name, `node:${name}`]),
          patterns: [
            '**/addin/**',
            '**/outlook/**',
            '**/thunderbird/**',
            '**/server/**',
            '**/portal/**',
            '**/cli/**',
          ],
        },
      ],
    },
  },
  // The admin console talks to the service over HTTP only: core and its own files.
  {
    files: ['src/admin/**/*.ts', 'src/admin/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/addin/**',
            '**/outlook/**',
            '**/thunderbird/**',
            '**/server/**',
            '**/portal/**',
            '**/cli/**',
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/**/*.ts', 'src/cli/**/*.ts', 'src/portal/**/*.ts', 'src/portal/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/addin/**', '**/outlook/**', '**/thunderbird/**'] }],
    },
  },
);
