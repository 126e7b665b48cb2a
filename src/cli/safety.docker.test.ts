// The sandbox against the real engine: a live Compose project of the same file is left exactly as it was,
// sandbox networks have no route out (not even to the host) unless egress is allowed, and host access is refused
// before anything is created unless opted into, and then applied.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

interface RunDoc {
  exitCode: number;
  services: { service: string; state: string; score: number; exitCode?: number; reason?: string }[];
  sandbox?: { egress: boolean; optIns: string[] };
}

/** What must not change on a live container: identity, start time, state, networks and port bindings. */
function containerFacts(id: string) {
  const [c] = JSON.parse(docker('inspect', id)) as {
    Id: string;
    Name: string;
    RestartCount: number;
    State: { Status: string; StartedAt: string; Pid: number };
    NetworkSettings: { Ports: unknown; Networks: Record<string, { IPAddress: string; EndpointID: string }> };
  }[];
  return {
    id: c!.Id,
    name: c!.Name,
    status: c!.State.Status,
    startedAt: c!.State.StartedAt,
    pid: c!.State.Pid,
    restarts: c!.RestartCount,
    ports: c!.NetworkSettings.Ports,
    networks: Object.fromEntries(
      Object.entries(c!.NetworkSettings.Networks).map(([name, n]) => [name, [n.IPAddress, n.EndpointID]]),
    ),
  };
}

/** sha256 of a tar of the volume's content, read through a throwaway container with no network. */
function volumeChecksum(volume: string): string {
  return docker(
    'run',
    '--rm',
    '--network',
    'none',
    '-v',
    `${volume}:/v:ro`,
    BUSYBOX,
    'sh',
    '-c',
    'tar -C /v -cf - . | sha256sum',
  );
}

/** Every container, network and volume on the engine whose name or compose label ties it to `project`. */
function namedAfter(project: string): string[] {
  const named = (kind: string, names: string) =>
    names
      .split('\n')
      .filter((n) => n.startsWith(`${project}_`) || n.startsWith(`${project}-`))
      .map((n) => `${kind} ${n}`);
  return [
    ...named('container', docker('ps', '-a', '--format', '{{.Names}}')),
    ...named('network', docker('network', 'ls', '--format', '{{.Name}}')),
    ...named('volume', docker('volume', 'ls', '--format', '{{.Name}}')),
    ...docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`)
      .split('\n')
      .filter(Boolean)
      .map((id) => `labelled container ${id}`),
  ].sort();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the live stack is untouched by a rehearsal of the same file', { timeout: 240_000 }, () => {
  const live = uniqueStack('live');
  const dir = writeTree({});
  const env = { ...process.env, COMPOSE_PROJECT_NAME: live };
  const compose = (...args: string[]) =>
    execFileSync('docker-compose', ['-p', live, '-f', join(dir, 'compose.yaml'), ...args], {
      cwd: dir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  after(() => {
    if (!hasCompose) return;
    spawnSync('docker-compose', ['-p', live, '-f', join(dir, 'compose.yaml'), 'down', '-v', '-t', '0'], {
      cwd: dir,
      env,
    });
    spawnSync('docker', ['volume', 'rm', `${live}-ext`]);
    spawnSync('docker', ['network', 'rm', `${live}-proxy`]);
  });

  test('containers keep id, start, state, networks and ports; volumes keep their content; nothing is named after it', {
    skip: hasCompose ? false : 'docker-compose (v1) is not installed: apt-get install docker-compose',
  }, async () => {
    docker('volume', 'create', `${live}-ext`);
    docker('network', 'create', `${live}-proxy`);
    const port = await freePort();
    // Both services write to their volumes when they start: a rehearsal that reached a live volume would change it.
    const file = `services:
  db:
    image: ${BUSYBOX}
    container_name: ${live}-db
    command: sh -c "date +%s%N >> /data/boots; date +%s%N >> /ext/boots; touch /tmp/ok; sleep 3600"
    ports: ["127.0.0.1:${port}:5432"]
    volumes: [data:/data, ext:/ext]
    networks: [back, proxy]
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/ok"], interval: 1s, timeout: 2s, retries: 20 }
  web:
    image: ${BUSYBOX}
    command: sh -c "date +%s%N >> /data/web; sleep 3600"
    ports: ["8080"]
    volumes: [data:/data]
    networks: [back, proxy]
    depends_on: [db]
volumes:
  data: {}
  ext: { external: true, name: ${live}-ext }
networks:
  back: {}
  proxy: { external: true, name: ${live}-proxy }
`;
    writeFileSync(join(dir, 'compose.yaml'), file);
    compose('up', '-d');
    const ids = () =>
      docker('ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${live}`)
        .split('\n')
        .filter(Boolean)
        .sort();
    await waitFor('the live project to run', () => ids().length === 2);
    await waitFor('the live volumes to be written', () => {
      const out = spawnSync('docker', ['exec', `${live}-db`, 'sh', '-c', 'test -s /data/web && test -s /ext/boots']);
      return out.status === 0;
    });
    const volumes = [`${live}_data`, `${live}-ext`];
    const snapshot = () => ({
      containers: ids().map(containerFacts),
      volumes: Object.fromEntries(volumes.map((v) => [v, volumeChecksum(v)])),
    });
    const beforeRun = snapshot();
    const namesBefore = namedAfter(live);

    const result = await runRehearsa(['stack', 'test', 'compose.yaml', '--json', '--settle', '1'], {
      cwd: dir,
      dataDir: dataDir(),
      env: { COMPOSE_PROJECT_NAME: live },
    });
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as RunDoc;
    assert.deepEqual(
      doc.services.map((s) => [s.service, s.state]),
      [
        ['db', 'healthy'],
        ['web', 'running'],
      ],
    );

    assert.deepEqual(snapshot(), beforeRun, 'every live container and volume is exactly as before');
    assert.deepEqual(namedAfter(live), namesBefore, 'nothing new is named after the live project');
    assert.deepEqual(await leftovers(`rehearsa.stack=${live}`), []);
  });
});

/** Every IPv4 address of the host but loopback (its LAN address, docker0's gateway, other bridges'). */
function hostAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const found = all.filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);
  assert.ok(found.length > 0, 'the host has an IPv4 address besides loopback');
  return found;
}

describe('sandbox networks', { timeout: 120_000 }, () => {
  let server: Server;
  let hits = 0;
  let port = 0;
  before(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('rehearsa-egress-ok\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  // A one-shot (adopted by `after`) that asks every host address for the test server's page; exit 0 if one answered.
  const probe = () => `services:
  probe:
    image: ${BUSYBOX}
    restart: "no"
    command:
      - sh
      - -c
      - >-
        ok=7; for ip in ${hostAddresses().join(' ')}; do
        printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 $$ip ${port} | grep -q rehearsa-egress-ok && ok=0;
        done; exit $$ok
  after:
    image: ${BUSYBOX}
    command: sleep 300
    depends_on: { probe: { condition: service_completed_successfully } }
`;

  test('reach nothing outside, not even a server on the host, and the run records egress as off', async () => {
    const stack = uniqueStack('egress-off');
    const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '0'], {
      cwd: writeTree({ 'compose.yaml': probe() }),
      dataDir: dataDir(),
    });
    const doc = JSON.parse(result.stdout) as RunDoc;
    assert.deepEqual(
      doc.services.map((s) => [s.service, s.state, s.exitCode]),
      [
        ['after', 'not_started', undefined],
        ['probe', 'exited', 7],
      ],
      result.stderr,
    );
    assert.equal(hits, 0, 'the host server saw no request');
    assert.deepEqual(doc.sandbox, { egress: false, optIns: [] });
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });

  test('reach the host with --allow-egress, and the run records it', async () => {
    const stack = uniqueStack('egress-on');
    const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '0', '--allow-egress'], {
      cwd: writeTree({ 'compose.yaml': probe() }),
      dataDir: dataDir(),
    });
    const doc = JSON.parse(result.stdout) as RunDoc;
    assert.deepEqual(
      doc.services.map((s) => [s.service, s.state, s.score]),
      [
        ['after', 'running', 85],
        ['probe', 'completed', 100],
      ],
      result.stderr,
    );
    assert.ok(hits > 0, 'the host server was reached');
    assert.deepEqual(doc.sandbox, { egress: true, optIns: [] });
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });
});

describe('network modes that would leave the sandbox', { timeout: 120_000 }, () => {
  const live = `rehearsa-live-netns-${process.pid}`;
  before(() => {
    docker(
      'run',
      '-d',
      '--name',
      live,
      BUSYBOX,
      'sh',
      '-c',
      'mkdir /www; echo live-ok >/www/index.html; exec httpd -f -p 8099 -h /www',
    );
  });
  after(() => {
    spawnSync('docker', ['rm', '-f', live], { stdio: 'ignore' });
  });

  test('bridge, default and a container outside the stack get a private network, never the engine bridge or a live namespace', async () => {
    const stack = uniqueStack('netmode');
    // Each one-shot exits 7 unless it reached the live container's httpd, by its bridge address or from inside
    // its namespace. busybox-static's wget crashes on this image; nc speaks the HTTP needed.
    const liveIp = docker('inspect', live, '--format', '{{.NetworkSettings.IPAddress}}');
    assert.match(liveIp, /^\d+\.\d+\.\d+\.\d+$/, 'the live container has a bridge address');
    const reachLive = `for ip in ${liveIp} 127.0.0.1; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 $$ip 8099 | grep -q live-ok && exit 0; done; exit 7`;
    const oneShot = (mode: string) => `    image: ${BUSYBOX}
    restart: "no"
    network_mode: "${mode}"
    command: ["sh", "-c", "${reachLive}"]
`;
    const compose = `services:
  bridged:
${oneShot('bridge')}  defaulted:
${oneShot('default')}  joined:
${oneShot(`container:${live}`)}`;
    const before = containerFacts(live);
    const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '8'], {
      cwd: writeTree({ 'compose.yaml': compose }),
      dataDir: dataDir(),
    });
    const doc = JSON.parse(result.stdout) as RunDoc;
    assert.deepEqual(
      doc.services.map((s) => [s.service, s.state, s.exitCode]),
      [
        ['bridged', 'exited', 7],
        ['defaulted', 'exited', 7],
        ['joined', 'exited', 7],
      ],
      result.stderr,
    );
    assert.deepEqual(containerFacts(live), before, 'the live container is untouched');
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });

  test('container:NAME of a service of the stack joins that service, started first', async () => {
    const stack = uniqueStack('netmode-own');
    const compose = `services:
  vpn:
    image: ${BUSYBOX}
    container_name: vpn-${process.pid}
    command: ["sh", "-c", "mkdir /www; echo vpn-ok >/www/index.html; exec httpd -f -p 8098 -h /www"]
  client:
    image: ${BUSYBOX}
    restart: "no"
    network_mode: "container:vpn-${process.pid}"
    command: ["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 127.0.0.1 8098 | grep -q vpn-ok && exit 0; sleep 0.3; done; exit 7"]
  after:
    image: ${BUSYBOX}
    command: sleep 300
    depends_on: { client: { condition: service_completed_successfully } }
`;
    const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '0'], {
      cwd: writeTree({ 'compose.yaml': compose }),
      dataDir: dataDir(),
    });
    const doc = JSON.parse(result.stdout) as RunDoc;
    assert.deepEqual(
      doc.services.map((s) => [s.service, s.state, s.score]),
      [
        ['after', 'running', 85],
        ['client', 'completed', 100],
        ['vpn', 'running', 85],
      ],
      result.stderr,
    );
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });
});

describe('host access', { timeout: 120_000 }, () => {
  const ns = (kind: string) => readlinkSync(`/proc/self/ns/${kind}`);
  // Each check exits with its own code, so a failure names the access that was not applied. `privileged` has a
  // service of its own: where the host itself lacks a capability, the engine cannot start any privileged container.
  const hungry = () => `services:
  agent:
    image: ${BUSYBOX}
    restart: "no"
    network_mode: host
    pid: host
    ipc: host
    devices: ["/dev/null:/dev/rehearsa-null"]
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    command:
      - sh
      - -c
      - >-
        test "$$(readlink /proc/self/ns/net)" = "${ns('net')}" || exit 11;
        test "$$(readlink /proc/self/ns/pid)" = "${ns('pid')}" || exit 12;
        test "$$(readlink /proc/self/ns/ipc)" = "${ns('ipc')}" || exit 13;
        test -c /dev/rehearsa-null || exit 15;
        test -S /var/run/docker.sock || exit 16
  root:
    image: ${BUSYBOX}
    restart: "no"
    privileged: true
    command: ["sh", "-c", "grep -q 'CapEff:.*fffffffff' /proc/self/status || exit 14"]
  done:
    image: ${BUSYBOX}
    command: sleep 300
    depends_on: { agent: { condition: service_completed_successfully } }
`;

  test('is refused with exit 2 before anything is created, one line per item naming the flag', async () => {
    const stack = uniqueStack('hostly-refused');
    const data = dataDir();
    const result = await runRehearsa(['stack', 'test', '--stack', stack, '--allow-devices'], {
      cwd: writeTree({ 'compose.yaml': hungry() }),
      dataDir: data,
    });
    assert.equal(result.code, 2, result.stderr);
    assert.deepEqual(result.stderr.trim().split('\n'), [
      "rehearsa: compose.yaml › services.agent.network_mode: network_mode: host shares the host's network; refused in the sandbox (allow it with --allow-host-network)",
      'rehearsa: compose.yaml › services.agent.pid: pid: host shows the container every process of the host; refused in the sandbox (allow it with --allow-host-pid)',
      "rehearsa: compose.yaml › services.agent.ipc: ipc: host shares the host's shared memory and semaphores; refused in the sandbox (allow it with --allow-host-ipc)",
      'rehearsa: compose.yaml › services.agent.volumes: mounts the Docker socket (/var/run/docker.sock): it can control every container on the host; refused in the sandbox (allow it with --allow-docker-socket)',
      'rehearsa: compose.yaml › services.root.privileged: privileged: true gives the container full access to the host; refused in the sandbox (allow it with --allow-privileged)',
    ]);
    assert.equal(result.stdout, '');
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    const history = await runRehearsa(['history', stack, '--json'], { dataDir: data });
    assert.notEqual(history.code, 0, 'no run was recorded');
  });

  test('a symlink to the Docker socket, or to the directory holding it, is refused like the socket itself', async () => {
    const stack = uniqueStack('hostly-linked');
    const dir = writeTree({
      'compose.yaml': `services:
  sly:
    image: ${BUSYBOX}
    command: sleep 300
    volumes: ["./sock-link:/s1", "./run-link:/s2:ro"]
`,
    });
    symlinkSync('/var/run/docker.sock', join(dir, 'sock-link'));
    symlinkSync('/var/run', join(dir, 'run-link'));
    for (const binds of ['copy', 'readonly']) {
      const result = await runRehearsa(['stack', 'test', '--stack', stack, '--binds', binds], {
        cwd: dir,
        dataDir: dataDir(),
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^rehearsa: compose\.yaml › services\.sly\.volumes: mounts the Docker socket \(\/run\/docker\.sock, \/run\): .*\(allow it with --allow-docker-socket\)\n$/,
      );
      assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    }
  });

  test('a read-only bind never leaves a filesystem mounted below it writable', async () => {
    const stack = uniqueStack('hostly-submount');
    const dir = writeTree({
      'compose.yaml': `services:
  poke:
    image: ${BUSYBOX}
    restart: "no"
    volumes: ["./site:/site"]
    command: ["sh", "-c", "touch /site/below/pwned && exit 7; exit 0"]
  after:
    image: ${BUSYBOX}
    command: sleep 300
    depends_on: { poke: { condition: service_completed_successfully } }
`,
      'site/below/keep': '',
    });
    const below = join(dir, 'site', 'below');
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', below]);
    try {
      const api = docker('version', '--format', '{{.Server.APIVersion}}');
      const old = api.split('.').map(Number)[1]! < 44;
      const result = await runRehearsa(['stack', 'test', '--stack', stack, '--binds', 'readonly', '--json'], {
        cwd: dir,
        dataDir: dataDir(),
      });
      if (old) {
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /services\.poke\.volumes: bind .*\/site has other filesystems mounted below it/);
      } else {
        const doc = JSON.parse(result.stdout) as RunDoc;
        assert.equal(doc.services.find((s) => s.service === 'poke')?.state, 'completed', result.stderr);
      }
      assert.equal(spawnSync('test', ['-e', join(below, 'pwned')]).status, 1, 'nothing was written below the bind');
      assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    } finally {
      execFileSync('umount', [below]);
    }
  });

  test('is applied as written with every opt-in, and the run records the opt-ins', async () => {
    const stack = uniqueStack('hostly-allowed');
    const flags = [
      '--allow-host-network',
      '--allow-host-pid',
      '--allow-host-ipc',
      '--allow-privileged',
      '--allow-devices',
      '--allow-docker-socket',
    ];
    const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '0', ...flags], {
      cwd: writeTree({ 'compose.yaml': hungry() }),
      dataDir: dataDir(),
    });
    const doc = JSON.parse(result.stdout) as RunDoc;
    const by = Object.fromEntries(doc.services.map((s) => [s.service, s]));
    assert.deepEqual([by.agent?.state, by.agent?.exitCode, by.agent?.score], ['completed', 0, 100], result.stderr);
    // Either every capability was granted, or the engine tried to grant them all and this host refused some.
    const root = by.root!;
    assert.ok(
      (root.state === 'completed' && root.exitCode === 0) || /unable to apply caps/.test(root.reason ?? ''),
      JSON.stringify(root),
    );
    assert.deepEqual(doc.sandbox, {
      egress: false,
      optIns: ['devices', 'docker-socket', 'host-ipc', 'host-network', 'host-pid', 'privileged'],
    });
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });
});
