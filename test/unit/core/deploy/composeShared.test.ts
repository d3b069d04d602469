/**
 * planAddToken on a Compose file whose env file is shared (src/core/deploy/plan.ts,
 * README.md "Deploying agents"): the plan names the other services that read
 * the file the value would go into, so the UI can warn and offer a file of
 * the Telegraf service's own.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { otherEnvFileReaders, planAddToken } from '../../../../src/core/deploy';

const COMPOSE = `services:
  telegraf:
    image: telegraf:1.40
    env_file:
      - ./.env
  nginx:
    image: nginx
    env_file:
      - .env
  grafana:
    image: grafana/grafana
    env_file:
      - path: ./grafana.env
`;

test('environment: puts the value into .env; the other services that read .env through env_file: are named', () => {
  const plan = planAddToken('docker-compose.yml', COMPOSE, { composeMode: 'environment' });
  assert.equal(plan.valueFile, '.env');
  assert.deepEqual(plan.sharedWith, ['nginx'], 'the telegraf service itself reading .env is no leak');
});

test('env_file: with a file no other service reads has no sharing; the same names are matched with or without ./', () => {
  const plan = planAddToken('docker-compose.yml', COMPOSE, { composeMode: 'env_file' });
  assert.equal(plan.valueFile, 'telegraf-controller.env');
  assert.equal(plan.sharedWith, undefined);
  assert.deepEqual(otherEnvFileReaders(COMPOSE, 'grafana.env', 'telegraf'), ['grafana']);
  assert.deepEqual(otherEnvFileReaders(COMPOSE, '.env', 'nginx'), ['telegraf']);
});

test('a Compose file where no other service reads .env: nothing shared', () => {
  const plan = planAddToken('docker-compose.yml', 'services:\n  telegraf:\n    image: telegraf:1.40\n  nginx:\n    image: nginx\n', {
    composeMode: 'environment',
  });
  assert.equal(plan.sharedWith, undefined);
});
