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

test('host capabilities, replaced seccomp profiles and host /proc binds are refused; ordinary ones pass', () => {
  const escalating = makeProject([
    makeService('all', {
      capAdd: ['NET_ADMIN', 'all', 'cap_sys_admin'],
      securityOpt: ['no-new-privileges:true', 'seccomp=unconfined', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'],
    }),
    makeService('tracer', {
      capAdd: ['SYS_PTRACE'],
      mounts: [{ type: 'bind', source: '/proc', target: '/hp', readOnly: true }],
    }),
    makeService('vpn', {
      capAdd: ['NET_ADMIN', 'CHOWN'],
      securityOpt: ['label=type:svirt_apache_t', 'seccomp=default'],
    }),
  ]);
  assert.deepEqual(
    refuseHostAccess(escalating, new Set()).map((i) => `${i.path}: ${i.message}`),
    [
      'services.all.cap_add: cap_add all, cap_sys_admin lets the container act on the host, as privileged: true does; refused in the sandbox (allow it with --allow-privileged)',
      `services.all.security_opt: security_opt seccomp=unconfined, seccomp={"defaultAction":"SCMP_ACT_ALLOW"} lifts the host's confinement of the container; refused in the sandbox (allow it with --allow-privileged)`,
      "services.tracer.volumes: binds /proc: the host's /proc shows the container every process of the host; refused in the sandbox (allow it with --allow-host-pid)",
      'services.tracer.cap_add: cap_add SYS_PTRACE lets the container act on the host, as privileged: true does; refused in the sandbox (allow it with --allow-privileged)',
    ],
  );
  assert.deepEqual(refuseHostAccess(escalating, new Set(['privileged', 'host-pid'])), []);
});

test('the sockets of the container runtimes behind the engine, and directories holding them, are refused', () => {
  const sockets = [
    '/run/docker/containerd/containerd.sock',
    '/run/docker',
    '/var/run/containerd',
    '/srv/x/podman.sock',
  ];
  const project = makeProject(
    sockets.map((source, i) =>
      makeService(`s${i}`, { mounts: [{ type: 'bind', source, target: '/x', readOnly: true }] }),
    ),
  );
  assert.deepEqual(
    refuseHostAccess(project, new Set()).map((i) => i.path),
    ['services.s0.volumes', 'services.s1.volumes', 'services.s2.volumes', 'services.s3.volumes'],
  );
});
