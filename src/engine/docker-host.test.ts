import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../errors.js';
import { resolveDockerHost } from './docker-host.js';

test('no DOCKER_HOST means the default unix socket', () => {
  assert.deepEqual(resolveDockerHost(undefined, {}), {
    display: 'unix:///var/run/docker.sock',
    socketPath: '/var/run/docker.sock',
  });
  assert.equal(resolveDockerHost(undefined, { DOCKER_HOST: '' }).socketPath, '/var/run/docker.sock');
});

test('unix:// hosts name their socket; an explicit host beats DOCKER_HOST', () => {
  const env = { DOCKER_HOST: 'unix:///from/env.sock' };
  assert.equal(resolveDockerHost(undefined, env).socketPath, '/from/env.sock');
  assert.deepEqual(resolveDockerHost('unix:///run/user/1000/docker.sock', env), {
    display: 'unix:///run/user/1000/docker.sock',
    socketPath: '/run/user/1000/docker.sock',
  });
});

test('tcp:// hosts default to 2375 without TLS and 2376 with it', () => {
  assert.deepEqual(resolveDockerHost('tcp://10.0.0.5', {}), {
    display: 'tcp://10.0.0.5:2375',
    hostname: '10.0.0.5',
    port: 2375,
  });
  assert.deepEqual(resolveDockerHost('tcp://docker.example:2400', {}).port, 2400);
  const tls = resolveDockerHost('tcp://docker.example', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' });
  assert.deepEqual(tls, {
    display: 'tcp://docker.example:2376',
    hostname: 'docker.example',
    port: 2376,
    tls: { certDir: '/certs', verify: true },
  });
});

test('TLS material defaults to DOCKER_CONFIG, and IPv6 hosts lose their brackets', () => {
  const endpoint = resolveDockerHost('tcp://[::1]:2376', { DOCKER_TLS_VERIFY: 'yes', DOCKER_CONFIG: '/cfg' });
  assert.equal(endpoint.hostname, '::1');
  assert.equal(endpoint.display, 'tcp://[::1]:2376');
  assert.deepEqual(endpoint.tls, { certDir: '/cfg', verify: true });
});

test('ssh:// and unknown schemes are refused with a clear EngineError', () => {
  assert.throws(
    () => resolveDockerHost('ssh://me@box', {}),
    (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.match(err.message, /ssh:\/\/ engines are not supported/);
      return true;
    },
  );
  assert.throws(() => resolveDockerHost('npipe:////./pipe/docker_engine', {}), EngineError);
  assert.throws(() => resolveDockerHost('/var/run/docker.sock', {}), EngineError);
  assert.throws(() => resolveDockerHost('tcp://', {}), EngineError);
});
