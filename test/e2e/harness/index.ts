/** E2E harness: types for flows and workbench helpers (see scripts/run-e2e.mjs). */
export * from './types';
export * from './workbench';
export * from './quickInput';
export * from './wait';
