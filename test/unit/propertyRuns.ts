/**
 * The number of cases every fast-check property runs, from one environment
 * variable: `TC_PROPERTY_RUNS` (a positive integer; default 1000, the floor CI
 * runs for every parser). Raise it locally to search harder, e.g.
 * `TC_PROPERTY_RUNS=20000 node scripts/run-unit-tests.mjs property`.
 * Throws at import when the variable is set but is not a positive integer, so
 * a typo never silently runs fewer cases.
 */
export const PROPERTY_RUNS: number = (() => {
  const raw = process.env.TC_PROPERTY_RUNS;
  if (raw === undefined || raw.trim() === '') return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TC_PROPERTY_RUNS must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
})();
