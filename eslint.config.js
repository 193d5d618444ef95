import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '**/dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'core/model/schema-types.ts', 'core/model/openapi-types.ts', 'core/validation/compiled/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'No randomness: inject it.' },
      ],
    },
  },
  {
    // Stores and services are asynchronous (SQLite and PostgreSQL behind one
    // interface): a call whose promise nobody awaits would run outside its
    // transaction or lose its error, so it must be awaited or marked `void`.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    // The action's scripts run on the runner's bare Node, with its globals.
    files: ['github-action/**/*.mjs'],
    languageOptions: { globals: { fetch: 'readonly' } },
  },
  {
    files: ['**/*.mjs', 'bin/**/*.js', 'scripts/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
