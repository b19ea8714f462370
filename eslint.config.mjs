// ESLint (flat config): `npm run lint` = `eslint . --max-warnings 0`; run by `npm test` in its `static` layer.
// TypeScript: typescript-eslint's recommended rules plus a few that need type information and catch real
// mistakes here: promises nobody awaits or handles (a rejected one is lost silently in an extension host),
// promises passed where a plain callback is expected, `await` on non-promises, casts that change nothing.
// JavaScript (harness, benches, scripts): ESLint's recommended rules, Node globals (and browser globals where
// code is handed to the page by Playwright's evaluate).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', '.cache/', 'test-results/', '**/.radam/', '*.vsix'],
  },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      // A `let` that a callback reads before its one assignment cannot be const: not a finding.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-throw-literal': 'error',
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // Node: the extension host, trainer, CLI, tests, benches, scripts.
    files: ['src/**', 'test/**', 'bench/**', 'scripts/**', '*.mjs', '*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The dashboard runs in a browser (a webview); the e2e tests and the dashboard bench hand functions to the page.
    files: ['webview/**', 'test/e2e/**', 'test/harness/e2e*.mjs', 'test/harness/vscodeServer.mjs', 'test/harness/workbenchPage.mjs', 'bench/dashboard.bench.mjs', 'bench/dashboardRunList.mjs', 'scripts/hero-screenshot.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.cjs', 'scripts/install-tfjs-node.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
