// Lint rules: type-checked TypeScript, the house style's habits, and the boundaries between
// the pure grader core, adapters, the browser app and the CLI.
import js from '@eslint/js'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** A per-folder `no-restricted-imports` rule (tests and test helpers exempt, and `ignores`). */
function boundary(files, patterns, ignores = []) {
  return [
    {
      files: [files],
      ignores: ['**/*.test.ts', '**/*.test-helper.ts', ...ignores],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    },
  ]
}

const cohortBoundary = [
  {
    group: ['**/http/**', '**/cli/**'],
    message: 'The cohort domain knows no HTTP: the server registers its routes.',
  },
  {
    group: ['@kubernetes/*', 'execa'],
    message: 'The cohort domain reaches clusters and tools through ports; server/adapters implements them.',
  },
]
const cohortStoreBoundary = {
  group: ['better-sqlite3', '**/store/db.ts', '**/store/db-handle.ts'],
  message: 'The cohort domain stores through the repositories of server/store, never SQL of its own.',
}

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
    // No import cycles anywhere: a module graph that can be read bottom-up. Type-only imports are
    // erased at build time and are not counted.
    files: ['server/**/*.ts', 'web/src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
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
  // Layer boundaries (docs/architecture.md): each folder may import only the layers below it.
  // Tests and test helpers wire whole apps and are exempt.
  ...boundary('server/http/**/*.ts', [
    { group: ['**/adapters/**'], message: 'HTTP routes call services (server/services), never adapters.' },
    { group: ['**/cli/**'], message: 'HTTP routes do not import the CLI.' },
  ]),
  // The cohort domain: clusters and tools through ports, storage through the repositories the
  // composition root opens (store/cohort-repos.ts).
  ...boundary('server/cohorts/**/*.ts', [...cohortBoundary, cohortStoreBoundary]),
  ...boundary('server/adapters/**/*.ts', [
    {
      group: [
        '**/http/**',
        '**/services/**',
        '**/cohorts/**',
        '**/cli/**',
        '**/provision/**',
        '**/store/**',
        '**/terminal/**',
        '**/labs/**',
      ],
      message: 'Adapters import only what they implement (server/checks ports), the pure grader and errors.',
    },
  ]),
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
