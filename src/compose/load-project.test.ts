// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose `${VAR}` templates are the test data.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture, load, loadErrors } from './test-fixtures.js';

describe('loadProject: interpolation and .env', () => {
  it('resolves shell > --env-file > project .env and records the env files', async () => {
    const dir = fixture({
      'compose.yaml': 'services:\n  web:\n    image: "nginx:${TAG}-${FLAVOR}-${ONLY_DOTENV}"\n',
      '.env': 'TAG=dotenv\nFLAVOR=dotenv\nONLY_DOTENV=yes\n',
      'alt.env': 'TAG=alt\nFLAVOR=alt\n',
    });
    const fromDotenv = await load(dir, { env: { TAG: 'shell' } });
    assert.equal(fromDotenv.services.web?.image, 'nginx:shell-dotenv-yes');
    assert.deepEqual(fromDotenv.envFiles, [join(dir, '.env')]);

    const fromAlt = await load(dir, { env: { TAG: 'shell' }, envFiles: ['alt.env'] });
    assert.equal(fromAlt.services.web?.image, 'nginx:shell-alt-');
    assert.deepEqual(fromAlt.envFiles, [join(dir, 'alt.env')]);
    assert.deepEqual(fromAlt.unsetVariables, ['ONLY_DOTENV']);
  });

  it('fails on ${VAR:?message} naming the variable', async () => {
    const dir = fixture({
      'compose.yaml':
        'services:\n  db:\n    image: postgres\n    environment:\n      PW: ${PG_PASS:?password required}\n',
    });
    const [line] = await loadErrors(dir);
    assert.match(line ?? '', /^compose\.yaml › services\.db\.environment\.PW: .*PG_PASS.*password required/);
  });

  it('takes COMPOSE_FILE, COMPOSE_PROFILES and COMPOSE_PROJECT_NAME from .env', async () => {
    const dir = fixture({
      'base.yml': 'services:\n  a:\n    image: a\n  b:\n    image: b\n    profiles: [extra]\n',
      'more.yml': 'services:\n  a:\n    environment: [X=1]\n',
      '.env':
        'COMPOSE_FILE=base.yml;more.yml\nCOMPOSE_PATH_SEPARATOR=;\nCOMPOSE_PROFILES=extra\nCOMPOSE_PROJECT_NAME=fromenv\n',
    });
    const project = await load(dir);
    assert.equal(project.name, 'fromenv');
    assert.deepEqual(project.files, [join(dir, 'base.yml'), join(dir, 'more.yml')]);
    assert.deepEqual(Object.keys(project.services), ['a', 'b']);
    assert.deepEqual(project.services.a?.environment, { X: '1' });
    assert.deepEqual(project.activeProfiles, ['extra']);
  });

  it('exposes the project name to interpolation', async () => {
    const dir = fixture({
      'compose.yaml': 'name: My_Stack\nservices:\n  a:\n    image: a\n    container_name: ${COMPOSE_PROJECT_NAME}-a\n',
    });
    const project = await load(dir);
    assert.equal(project.name, 'my_stack');
    assert.equal(project.services.a?.containerName, 'my_stack-a');
  });
});

describe('loadProject: default file lookup', () => {
  it('finds compose.yaml plus its override, searching parent directories', async () => {
    const dir = fixture({
      'compose.yaml': 'services:\n  a:\n    image: a\n    command: ["x"]\n',
      'compose.override.yaml': 'services:\n  a:\n    command: y z\n',
      'sub/readme.txt': '',
    });
    const project = await load(join(dir, 'sub'));
    assert.deepEqual(project.files, [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
    assert.deepEqual(project.services.a?.command, ['y', 'z']);
    assert.equal(project.workingDir, dir);
  });

  it('reports a missing -f file', async () => {
    const dir = fixture({ 'compose.yaml': 'services: {}\n' });
    assert.deepEqual(await loadErrors(dir, { files: ['nope.yml'] }), ['nope.yml: compose file not found']);
  });
});

describe('loadProject: environment and env_file', () => {
  it('puts env_file values under environment, which wins; bare keys resolve or stay null', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: w',
        '    env_file: [a.env, {path: optional.env, required: false}, {path: raw.env, format: raw}]',
        '    environment:',
        '      - SHARED=from-environment',
        '      - FROM_SHELL',
        '      - NOWHERE',
        '',
      ].join('\n'),
      'a.env': 'SHARED=from-file\nONLY_FILE="quoted ${HOST_VAR}"\n',
      'raw.env': 'RAW="kept $AS_IS"\n',
    });
    const project = await load(dir, { env: { FROM_SHELL: 'shell', HOST_VAR: 'h' } });
    assert.deepEqual(project.services.web?.environment, {
      SHARED: 'from-environment',
      ONLY_FILE: 'quoted h',
      RAW: '"kept $AS_IS"',
      FROM_SHELL: 'shell',
      NOWHERE: null,
    });
  });

  it('names a missing required env_file', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  web:\n    image: w\n    env_file: secrets/web.env\n' });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.web.env_file.0: env file secrets/web.env not found',
    ]);
  });

  it('accepts environment as a map with numbers, booleans and empty values', async () => {
    const dir = fixture({
      'compose.yaml': 'services:\n  a:\n    image: a\n    environment:\n      N: 5\n      B: true\n      E: ""\n',
    });
    assert.deepEqual((await load(dir)).services.a?.environment, { N: '5', B: 'true', E: '' });
  });
});

describe('loadProject: anchors and merge keys', () => {
  it('merges <<: [*a, *b] with the first source winning and own keys winning over all', async () => {
    const dir = fixture({
      'compose.yaml': [
        'x-a: &a {image: from-a, restart: always}',
        'x-b: &b {image: from-b, user: "1000"}',
        'services:',
        '  s:',
        '    <<: [*a, *b]',
        '    restart: "no"',
        '',
      ].join('\n'),
    });
    const project = await load(dir);
    assert.equal(project.services.s?.image, 'from-a');
    assert.equal(project.services.s?.user, '1000');
    assert.equal(project.services.s?.restart, 'no');
    assert.deepEqual(Object.keys(project.extensions), ['x-a', 'x-b']);
  });
});

describe('loadProject: command, entrypoint, user, working_dir, labels, cap_add', () => {
  it('shell-splits strings, keeps lists, and keeps [] distinct from unset', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        `    command: sh -c 'echo "$$HOME" && sleep 1'`,
        '    entrypoint: []',
        '    user: 1000:1000',
        '    working_dir: /srv',
        '    labels: [com.example.a=1, bare]',
        '    cap_add: [NET_ADMIN]',
        '    cap_drop: [ALL]',
        '  b:',
        '    image: b',
        '    labels: {traefik.enable: true}',
        '',
      ].join('\n'),
    });
    const { a, b } = (await load(dir)).services;
    assert.deepEqual(a?.command, ['sh', '-c', 'echo "$HOME" && sleep 1']);
    assert.deepEqual(a?.entrypoint, []);
    assert.equal(a?.user, '1000:1000');
    assert.equal(a?.workingDir, '/srv');
    assert.deepEqual(a?.labels, { 'com.example.a': '1', bare: '' });
    assert.deepEqual(a?.capAdd, ['NET_ADMIN']);
    assert.deepEqual(a?.capDrop, ['ALL']);
    assert.equal(b?.command, undefined);
    assert.equal(b?.entrypoint, undefined);
    assert.deepEqual(b?.labels, { 'traefik.enable': 'true' });
  });
});

describe('loadProject: healthcheck', () => {
  it('normalises the test forms and every duration to milliseconds', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    healthcheck:',
        '      test: pg_isready -U $${USER}',
        '      interval: 1m30s',
        '      timeout: 500ms',
        '      start_period: ${START:-2m}',
        '      start_interval: 1.5s',
        '      retries: 5',
        '  b:',
        '    image: b',
        '    healthcheck: {test: [NONE]}',
        '  c:',
        '    image: c',
        '    healthcheck: {disable: true}',
        '  d:',
        '    image: d',
        '    healthcheck: {test: [CMD, curl, -f, http://x]}',
        '',
      ].join('\n'),
    });
    const { a, b, c, d } = (await load(dir)).services;
    assert.deepEqual(a?.healthcheck, {
      disabled: false,
      test: ['CMD-SHELL', 'pg_isready -U ${USER}'],
      intervalMs: 90_000,
      timeoutMs: 500,
      startPeriodMs: 120_000,
      startIntervalMs: 1500,
      retries: 5,
    });
    assert.deepEqual(b?.healthcheck, { disabled: true, test: ['NONE'] });
    assert.deepEqual(c?.healthcheck, { disabled: true, test: ['NONE'] });
    assert.deepEqual(d?.healthcheck, { disabled: false, test: ['CMD', 'curl', '-f', 'http://x'] });
  });

  it('reports an invalid duration with a hint', async () => {
    const dir = fixture({
      'compose.yml': 'services:\n  db:\n    image: p\n    healthcheck:\n      interval: "90"\n      timeout: soon\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yml › services.db.healthcheck.interval: "90" is not a duration (use 1m30s)',
      'compose.yml › services.db.healthcheck.timeout: "soon" is not a duration',
    ]);
  });
});

describe('loadProject: depends_on', () => {
  it('normalises list and map forms and infers links, volumes_from and network_mode edges (links and shared namespaces restart with their target, as in compose-go)', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  db: {image: db}',
        '  cache: {image: cache}',
        '  vpn: {image: vpn}',
        '  files: {image: files}',
        '  web:',
        '    image: web',
        '    depends_on:',
        '      db: {condition: service_healthy, restart: true}',
        '      cache: {condition: service_started, required: false}',
        '    links: ["db:database", "files"]',
        '  worker:',
        '    image: w',
        '    depends_on: [db]',
        '    volumes_from: ["files:ro", "container:other"]',
        '    network_mode: service:vpn',
        '',
      ].join('\n'),
    });
    const { web, worker } = (await load(dir)).services;
    assert.deepEqual(web?.dependsOn, {
      db: { condition: 'service_healthy', required: true, restart: true, origin: 'depends_on' },
      cache: { condition: 'service_started', required: false, restart: false, origin: 'depends_on' },
      files: { condition: 'service_started', required: true, restart: true, origin: 'links' },
    });
    assert.deepEqual(worker?.dependsOn, {
      db: { condition: 'service_started', required: true, restart: false, origin: 'depends_on' },
      files: { condition: 'service_started', required: true, restart: false, origin: 'volumes_from' },
      vpn: { condition: 'service_started', required: true, restart: true, origin: 'network_mode' },
    });
    assert.equal(worker?.networkMode, 'service:vpn');
    assert.deepEqual(worker?.networks, {});
  });

  it('reports an undefined dependency and drops an optional one', async () => {
    const dir = fixture({
      'compose.yaml':
        'services:\n  web:\n    image: w\n    depends_on:\n      ghost: {condition: service_started}\n      maybe: {condition: service_started, required: false}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.web.depends_on: depends on undefined service "ghost"',
    ]);
  });
});

describe('loadProject: ports', () => {
  it('expands short and long syntax', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    ports:',
        '      - "8080:80"',
        '      - "127.0.0.1:5432:5432"',
        '      - "8000-8002:9000-9002"',
        '      - "53:53/udp"',
        '      - 80',
        '      - "[::1]:81:81"',
        '      - "${SQL_PORT:-127.0.0.1:13306}:3306"',
        '      - "127.0.0.1::7000"',
        '      - {target: 443, published: "8443", host_ip: 0.0.0.0, protocol: tcp, mode: host, name: https, app_protocol: https}',
        '',
      ].join('\n'),
    });
    const ports = (await load(dir)).services.a?.ports;
    assert.deepEqual(ports, [
      { target: 80, protocol: 'tcp', published: '8080', mode: 'ingress' },
      { target: 5432, protocol: 'tcp', published: '5432', hostIp: '127.0.0.1', mode: 'ingress' },
      { target: 9000, protocol: 'tcp', published: '8000', mode: 'ingress' },
      { target: 9001, protocol: 'tcp', published: '8001', mode: 'ingress' },
      { target: 9002, protocol: 'tcp', published: '8002', mode: 'ingress' },
      { target: 53, protocol: 'udp', published: '53', mode: 'ingress' },
      { target: 80, protocol: 'tcp', mode: 'ingress' },
      { target: 81, protocol: 'tcp', published: '81', hostIp: '::1', mode: 'ingress' },
      { target: 3306, protocol: 'tcp', published: '13306', hostIp: '127.0.0.1', mode: 'ingress' },
      { target: 7000, protocol: 'tcp', hostIp: '127.0.0.1', mode: 'ingress' },
      {
        target: 443,
        protocol: 'tcp',
        published: '8443',
        hostIp: '0.0.0.0',
        mode: 'host',
        name: 'https',
        appProtocol: 'https',
      },
    ]);
  });

  it('reports a malformed port', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a:\n    image: a\n    ports: ["80:http"]\n' });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.ports.0: "80:http" is not a valid port (container port must be a number or range)',
    ]);
  });
});

describe('loadProject: restart', () => {
  it('refuses a restart policy the engine would refuse, and keeps every one it accepts', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a: {image: a, restart: sometimes}\n' });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.restart: "sometimes" is not a restart policy (use no, always, unless-stopped or on-failure[:N])',
    ]);
    for (const policy of ['no', 'always', 'unless-stopped', 'on-failure', 'on-failure:5']) {
      const ok = fixture({ 'compose.yaml': `services:\n  a: {image: a, restart: "${policy}"}\n` });
      assert.equal((await load(ok)).services.a!.restart, policy);
    }
  });
});

describe('loadProject: volumes and tmpfs', () => {
  it('distinguishes binds, named and anonymous volumes and parses modes', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    volumes:',
        '      - ./conf:/etc/conf:ro,z',
        '      - /srv/data:/data:Z',
        '      - ~/cache:/cache',
        '      - db:/var/lib/db:nocopy',
        '      - /anon',
        '      - {type: bind, source: ./x, target: /x, bind: {create_host_path: false}}',
        '      - {type: tmpfs, target: /t, tmpfs: {size: 64m, mode: "1777"}}',
        '    tmpfs: ["/run:size=1k,mode=0700", /tmp]',
        'volumes:',
        '  db:',
        '    name: shared-db',
        '  ext:',
        '    external: true',
        '  plain:',
        '',
      ].join('\n'),
    });
    const project = await load(dir, { env: { HOME: '/home/me' } });
    assert.deepEqual(project.services.a?.mounts, [
      {
        type: 'bind',
        source: join(dir, 'conf'),
        target: '/etc/conf',
        readOnly: true,
        bind: { createHostPath: true, selinux: 'z' },
      },
      {
        type: 'bind',
        source: '/srv/data',
        target: '/data',
        readOnly: false,
        bind: { createHostPath: true, selinux: 'Z' },
      },
      { type: 'bind', source: '/home/me/cache', target: '/cache', readOnly: false, bind: { createHostPath: true } },
      { type: 'volume', source: 'db', target: '/var/lib/db', readOnly: false, volume: { nocopy: true } },
      { type: 'volume', target: '/anon', readOnly: false, volume: { nocopy: false } },
      { type: 'bind', source: join(dir, 'x'), target: '/x', readOnly: false, bind: { createHostPath: false } },
      { type: 'tmpfs', target: '/t', readOnly: false, tmpfs: { sizeBytes: 64 * 1024 * 1024, mode: 0o1777 } },
      { type: 'tmpfs', target: '/run', readOnly: false, tmpfs: { sizeBytes: 1024, mode: 0o700 } },
      { type: 'tmpfs', target: '/tmp', readOnly: false, tmpfs: {} },
    ]);
    assert.deepEqual(project.volumes, {
      db: { name: 'shared-db', external: false, labels: {} },
      ext: { name: 'ext', external: true, labels: {} },
      plain: { name: 'app_plain', external: false, labels: {} },
    });
  });

  it('requires named volumes to be declared', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a:\n    image: a\n    volumes: [data:/data]\n' });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.volumes: refers to undefined volume "data" (declare it under top-level volumes)',
    ]);
  });
});

describe('loadProject: networks', () => {
  it('adds the implicit default network and keeps aliases and static addresses', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  plain: {image: p}',
        '  multi:',
        '    image: m',
        '    networks:',
        '      back: {aliases: [db, database], ipv4_address: 10.0.0.5}',
        '      front:',
        '  listed: {image: l, networks: [front]}',
        '  host: {image: h, network_mode: host}',
        'networks:',
        '  back: {internal: true}',
        '  front: {name: proxy, external: true}',
        '',
      ].join('\n'),
    });
    const project = await load(dir);
    assert.deepEqual(project.services.plain?.networks, { default: { aliases: [] } });
    assert.deepEqual(project.services.multi?.networks, {
      back: { aliases: ['db', 'database'], ipv4Address: '10.0.0.5' },
      front: { aliases: [] },
    });
    assert.deepEqual(project.services.listed?.networks, { front: { aliases: [] } });
    assert.deepEqual(project.services.host?.networks, {});
    assert.deepEqual(project.networks, {
      back: { name: 'app_back', external: false, internal: true, labels: {} },
      front: { name: 'proxy', external: true, internal: false, labels: {} },
      default: { name: 'app_default', external: false, internal: false, labels: {} },
    });
  });

  it('reports an undeclared network', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a: {image: a, networks: [nope]}\n' });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.networks: refers to undefined network "nope" (declare it under top-level networks)',
    ]);
  });
});

describe('loadProject: other service fields', () => {
  it('normalises replicas, restart policy, shm_size, ulimits, sysctls, extra_hosts, secrets and configs', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    deploy: {replicas: 0, restart_policy: {condition: none}}',
        '    restart: on-failure:3',
        '    shm_size: 128mb',
        '    stop_grace_period: 1m',
        '    ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 4096}}',
        '    sysctls: [net.core.somaxconn=1024]',
        '    extra_hosts: ["host.docker.internal:host-gateway", "other=10.0.0.1"]',
        '    secrets: [db_pw, {source: api, target: api_key, mode: 0440}]',
        '    configs: [{source: conf, target: /etc/app.conf}]',
        '    x-rehearsa: {probe: http}',
        '  b:',
        '    image: b',
        '    scale: 3',
        '    sysctls: {vm.max_map_count: 262144}',
        '    extra_hosts: {somehost: 162.242.195.82}',
        'secrets:',
        '  db_pw: {file: ./secrets/pw.txt}',
        '  api: {environment: API_KEY}',
        'configs:',
        '  conf: {content: "x=1"}',
        '',
      ].join('\n'),
    });
    const project = await load(dir);
    const { a, b } = project.services;
    assert.equal(a?.replicas, 0);
    assert.equal(a?.deployRestartCondition, 'none');
    assert.equal(a?.restart, 'on-failure:3');
    assert.equal(a?.shmSizeBytes, 128 * 1024 * 1024);
    assert.equal(a?.stopGracePeriodMs, 60_000);
    assert.deepEqual(a?.ulimits, { nproc: { soft: 65535, hard: 65535 }, nofile: { soft: 1024, hard: 4096 } });
    assert.deepEqual(a?.sysctls, { 'net.core.somaxconn': '1024' });
    assert.deepEqual(a?.extraHosts, ['host.docker.internal:host-gateway', 'other:10.0.0.1']);
    assert.deepEqual(a?.secrets, [
      { source: 'db_pw', target: '/run/secrets/db_pw' },
      { source: 'api', target: '/run/secrets/api_key', mode: 0o440 },
    ]);
    assert.deepEqual(a?.configs, [{ source: 'conf', target: '/etc/app.conf' }]);
    assert.deepEqual(a?.extensions, { 'x-rehearsa': { probe: 'http' } });
    assert.equal(b?.replicas, 3);
    assert.deepEqual(b?.sysctls, { 'vm.max_map_count': '262144' });
    assert.deepEqual(b?.extraHosts, ['somehost:162.242.195.82']);
    assert.deepEqual(project.secrets, {
      db_pw: { name: 'app_db_pw', external: false, file: join(dir, 'secrets/pw.txt') },
      api: { name: 'app_api', external: false, environment: 'API_KEY' },
    });
    assert.deepEqual(project.configs, { conf: { name: 'app_conf', external: false, content: 'x=1' } });
  });

  it('warns on version and reports unknown keys instead of dropping them', async () => {
    const dir = fixture({
      'compose.yaml':
        'version: "3.8"\nfoo: 1\nservices:\n  a:\n    image: a\n    imagee: typo\n    x-ok: 1\nvolumes:\n  v: {drivr: local}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › foo: unknown top-level key "foo"',
      'compose.yaml › services.a.imagee: unknown key "imagee"',
      'compose.yaml › volumes.v.drivr: unknown key "drivr"',
    ]);
    const ok = fixture({ 'compose.yaml': 'version: "3.8"\nservices:\n  a: {image: a}\n' });
    assert.deepEqual((await load(ok)).warnings, [
      { file: 'compose.yaml', path: 'version', message: '`version` is obsolete and ignored', severity: 'warning' },
    ]);
  });

  it('collects every problem before failing', async () => {
    const dir = fixture({
      'compose.yaml':
        'services:\n  a:\n    image: a\n    depends_on: [x]\n    shm_size: lots\n  b:\n    build: .\n    ports: ["x"]\n',
    });
    const errors = await loadErrors(dir);
    assert.equal(errors.length, 3);
  });

  it('normalises mem_limit and deploy.resources.limits.memory into memLimitBytes, refusing distinct values', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a: {image: a, mem_limit: 16m}',
        '  b: {image: b, mem_limit: 1g}',
        '  c: {image: c, mem_limit: 1048576}',
        '  d: {image: d, deploy: {resources: {limits: {memory: 512M}}}}',
        '  e: {image: e, mem_limit: 64m, deploy: {resources: {limits: {memory: 64m}}}}',
        '  f: {image: f, mem_limit: "1.5g"}',
        '  g: {image: g, mem_limit: 0}',
        '  h: {image: h}',
        '',
      ].join('\n'),
    });
    const { services } = await load(dir);
    assert.equal(services.a?.memLimitBytes, 16_777_216);
    assert.equal(services.b?.memLimitBytes, 1_073_741_824);
    assert.equal(services.c?.memLimitBytes, 1_048_576);
    assert.equal(services.d?.memLimitBytes, 536_870_912);
    assert.equal(services.e?.memLimitBytes, 67_108_864);
    assert.equal(services.f?.memLimitBytes, 1_610_612_736);
    assert.equal(services.g?.memLimitBytes, undefined);
    assert.equal(services.h?.memLimitBytes, undefined);

    const bad = fixture({
      'compose.yaml': [
        'services:',
        '  a: {image: a, mem_limit: 16m, deploy: {resources: {limits: {memory: 32m}}}}',
        '  b: {image: b, mem_limit: lots}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(await loadErrors(bad), [
      "compose.yaml › services.a: can't set distinct values on 'mem_limit' (16777216) and 'deploy.resources.limits.memory' (33554432)",
      'compose.yaml › services.b.mem_limit: "lots" is not a size (use 512m)',
    ]);
  });
});

describe('loadProject: project name', () => {
  it('prefers the option, then COMPOSE_PROJECT_NAME, then name:, then the directory, normalised', async () => {
    const dir = fixture({ 'compose.yaml': 'name: Declared.Name\nservices:\n  a: {image: a}\n' }, '_My Dir');
    assert.equal((await load(dir, { projectName: 'opt' })).name, 'opt');
    assert.equal((await load(dir, { env: { COMPOSE_PROJECT_NAME: 'envname' } })).name, 'envname');
    assert.equal((await load(dir)).name, 'declaredname');
    const bare = fixture({ 'compose.yaml': 'services:\n  a: {image: a}\n' }, '_My.Dir');
    assert.equal((await load(bare)).name, 'mydir');
  });

  it('rejects an explicit name that breaks the rule', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a: {image: a}\n' });
    const [line] = await loadErrors(dir, { projectName: 'Bad Name' });
    assert.match(line ?? '', /^invalid project name "Bad Name"/);
  });
});
