// typescript-eslint with type information (`npm run lint`, part of `npm test`). The layering rules are here too:
// src/core never imports vscode (the engine runs in the worker, the CLI and tests); the webview imports no Node module.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'media/**', 'node_modules/**', '.work/**', 'test/e2e/.work/**', 'test/fixtures/**', 'models/**', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Worker messages, ONNX outputs and JSON are validated at the boundary, then narrowed: `any` stays out.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'max-len': ['error', { code: 200, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core never imports vscode: it runs in the worker, the CLI and tests.' }] }] },
  },
  {
    files: ['src/webview/**/*.ts', 'src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'vscode'], message: 'The webview bundle runs in a browser sandbox: no Node or vscode modules.' }] }] },
  },
);
