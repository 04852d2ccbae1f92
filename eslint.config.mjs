// typescript-eslint with type information (`npm run lint`, part of `npm test`). The layering rules are here too:
// core ← worker ← extension (src/core and src/worker never import vscode nor a layer above); the webview imports no
// Node module. docs/ARCHITECTURE.md draws the layers.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'media/**',
      'node_modules/**',
      '.work/**',
      'test/e2e/.work/**',
      'test/fixtures/**',
      'models/**',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  prettier, // formatting is Prettier's (npm run format); eslint keeps to correctness and the layers
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Worker messages, ONNX outputs and JSON are validated at the boundary, then narrowed: `any` stays out.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Engine and loader APIs are async by contract even where today's implementation does not await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Prettier wraps code at 140 (.prettierrc.json); it never breaks a string, so only strings may run longer.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  {
    // Tests, benchmarks and scripts: node:test's test()/describe() return promises the runner awaits, and JSON
    // goldens are read untyped; the other type-checked rules stay on.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // The layers: core ← worker ← extension; core and worker never import vscode or a layer above them.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core never imports vscode: it runs in the worker, the CLI and tests.' }],
          patterns: [
            {
              regex: '(^|/)(worker|extension|webview|cli)/',
              message: 'src/core is the bottom layer: it imports nothing from worker, extension, webview or cli.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/worker runs in a worker thread (and under tests) where vscode does not exist.' }],
          patterns: [
            { regex: '(^|/)(extension|webview|cli)/', message: 'src/worker sits below the extension: it imports core and shared only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The CLI runs in plain Node.' }],
          patterns: [
            {
              regex: '(^|/)(worker|extension|webview)/',
              message: 'The CLI drives the engine directly: it imports core (and shared) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['node:*', 'vscode'], message: 'The webview bundle runs in a browser sandbox: no Node or vscode modules.' }],
        },
      ],
    },
  },
);
