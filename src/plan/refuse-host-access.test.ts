import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProject, makeService } from '../../test/support/make-project.js';
import { refuseHostAccess } from './refuse-host-access.js';

const project = makeProject([
  makeService('vpn', { privileged: true, devices: ['/dev/net/tun'], networkMode: 'host', networks: {} }),
  makeService('agent', {
    pid: 'host',
    ipc: 'host',
    mounts: [{ type: 'bind', source: '/var/run', target: '/host/run', readOnly: true }],
  }),
  makeService('idle', { privileged: true, replicas: 0 }),
  makeService('web', { ipc: 'shareable', networkMode: 'service:vpn', networks: {} }),
]);

test('every host access of a started service is refused with its path and the flag that allows it', () => {
  assert.deepEqual(
    refuseHostAccess(project, new Set(), 'compose.yaml').map((i) => `${i.file} › ${i.path}: ${i.message}`),
    [
      'compose.yaml › services.agent.pid: pid: host shows the container every process of the host; refused in the sandbox (allow it with --allow-host-pid)',
      "compose.yaml › services.agent.ipc: ipc: host shares the host's shared memory and semaphores; refused in the sandbox (allow it with --allow-host-ipc)",
      'compose.yaml › services.agent.volumes: mounts the Docker socket (/var/run): it can control every container on the host; refused in the sandbox (allow it with --allow-docker-socket)',
      "compose.yaml › services.vpn.network_mode: network_mode: host shares the host's network; refused in the sandbox (allow it with --allow-host-network)",
      'compose.yaml › services.vpn.privileged: privileged: true gives the container full access to the host; refused in the sandbox (allow it with --allow-privileged)',
      'compose.yaml › services.vpn.devices: devices /dev/net/tun pass host devices into the container; refused in the sandbox (allow it with --allow-devices)',
    ],
  );
});

test('an opt-in lifts only its own refusal', () => {
  const left = refuseHostAccess(project, new Set(['privileged', 'host-network', 'host-pid', 'host-ipc', 'devices']));
  assert.deepEqual(
    left.map((i) => i.path),
    ['services.agent.volumes'],
  );
  assert.equal(left[0]!.file, undefined);
});

test('cap_add ALL and unconfined security options count as privileged; ordinary ones pass', () => {
  const escalating = makeProject([
    makeService('all', { capAdd: ['NET_ADMIN', 'all'], securityOpt: ['no-new-privileges:true', 'seccomp=unconfined'] }),
    makeService('vpn', { capAdd: ['NET_ADMIN'], securityOpt: ['label=type:svirt_apache_t'] }),
  ]);
  assert.deepEqual(
    refuseHostAccess(escalating, new Set()).map((i) => `${i.path}: ${i.message}`),
    [
      'services.all.cap_add: cap_add ALL gives the container every capability, as privileged: true does; refused in the sandbox (allow it with --allow-privileged)',
      "services.all.security_opt: security_opt seccomp=unconfined lifts the host's confinement of the container; refused in the sandbox (allow it with --allow-privileged)",
    ],
  );
  assert.deepEqual(refuseHostAccess(escalating, new Set(['privileged'])), []);
});
