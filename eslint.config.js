// Lint rules: type-checked TypeScript, the house style's habits, and the boundaries between
// the pure grader core, adapters, the browser app and the CLI.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      '**/*.d.mts',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      'test/cluster/**/go/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      curly: ['error', 'all'],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/only-throw-error': 'error',
      // fastify plugins and handlers are async by convention, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['web/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'The browser app cannot use Node modules.' },
            {
              regex: '^(\\.\\./)+server/(?!protocol/)',
              message: 'The browser app talks to the server only through the HTTP API and server/protocol.',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure grader: core (model, translation, simulation), analyzers and judging (verdicts,
    // hints, weights). Types from the check runner may be named; its code may not be run.
    files: ['server/grader/core/**/*.ts', 'server/grader/analyzers/**/*.ts', 'server/grader/judge/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/checks/**', '**/labs/**', '**/services/**', '**/cohorts/**', '**/http/**', '**/cli/**'],
              allowTypeImports: true,
              message: "The grader is pure: it may name the check runner's types, not run its code.",
            },
            {
              group: [
                'node:*',
                'fastify',
                '@fastify/*',
                'execa',
                '@kubernetes/*',
                'pino',
                'better-sqlite3',
                '**/adapters/**',
              ],
              message: 'The grader core is pure: no I/O.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'fetch', 'setTimeout', 'Date'],
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/config.ts', 'server/cli/**', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through server/config.ts.' },
      ],
      'no-console': 'error',
    },
  },
)
