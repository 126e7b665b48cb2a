// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose `${VAR}` templates are the test data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Issue } from '../model.js';
import { checkSchema } from './check-schema.js';
import { fixture, load, loadErrors } from './test-fixtures.js';
import { OverrideTag, parseYaml, ResetTag } from './yaml.js';

/** `path: message` of every issue the schema check finds in a YAML text. */
function problems(yaml: string): string[] {
  const { doc } = parseYaml(yaml, 'compose.yaml');
  const issues: Issue[] = [];
  checkSchema(doc as Record<string, unknown>, { file: 'compose.yaml', baseDir: '/', issues });
  return issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
}

describe('checkSchema: unknown keys at any depth', () => {
  it('names an unknown key inside healthcheck, deploy, build, ports, volumes, networks, logging, ulimits', () => {
    const yaml = [
      'services:',
      '  db:',
      '    image: postgres',
      '    healthcheck: {test: [CMD, "true"], intervall: 5s}',
      '    deploy:',
      '      resources: {limits: {cpu: "1"}}',
      '      restart_policy: {condition: any, delai: 3s}',
      '    build: {context: ., argz: {A: "1"}}',
      '    ports: [{target: 80, publish: 8080}]',
      '    volumes: [{type: volume, source: data, target: /d, volume: {no_copy: true}}]',
      '    networks: {back: {alias: [db]}}',
      '    logging: {driver: json-file, option: {max-size: 1m}}',
      '    ulimits: {nofile: {soft: 1, hard: 2, max: 3}}',
      '    env_file: [{path: a.env, optional: true}]',
      '    depends_on: {web: {condition: service_started, wait: true}}',
      'networks:',
      '  back: {ipam: {config: [{subnet: 10.0.0.0/24, gw: 10.0.0.1}]}}',
      'volumes:',
      '  data: {external: {nam: x}}',
      '',
    ].join('\n');
    assert.deepEqual(problems(yaml), [
      'services.db.healthcheck.intervall: unknown key "intervall"',
      'services.db.deploy.resources.limits.cpu: unknown key "cpu"',
      'services.db.deploy.restart_policy.delai: unknown key "delai"',
      'services.db.build.argz: unknown key "argz"',
      'services.db.ports.0.publish: unknown key "publish"',
      'services.db.volumes.0.volume.no_copy: unknown key "no_copy"',
      'services.db.networks.back.alias: unknown key "alias"',
      'services.db.logging.option: unknown key "option"',
      'services.db.ulimits.nofile.max: unknown key "max"',
      'services.db.env_file.0.optional: unknown key "optional"',
      'services.db.depends_on.web.wait: unknown key "wait"',
      'networks.back.ipam.config.0.gw: unknown key "gw"',
      'volumes.data.external.nam: unknown key "nam"',
    ]);
  });

  it('allows x- keys where the specification does, and nowhere else', () => {
    const yaml = [
      'x-top: {anything: [1]}',
      'services:',
      '  a:',
      '    image: a',
      '    x-svc: 1',
      '    healthcheck: {x-note: slow}',
      '    deploy: {x-swarm: 1, resources: {x-r: 1}}',
      '    build: {context: ., x-b: 1}',
      '    extends: {service: b, x-e: 1}',
      '  b: {image: b}',
      '',
    ].join('\n');
    assert.deepEqual(problems(yaml), ['services.a.extends.x-e: unknown key "x-e"']);
  });
});

describe('checkSchema: types', () => {
  it('names a wrong type with what was found, as Compose does (`user: 1000` is not a string)', () => {
    const yaml = [
      'services:',
      '  a:',
      '    image: 5',
      '    user: 1000',
      '    command: [sleep, 10]',
      '    healthcheck: "curl -f http://x"',
      '    ports: "80:80"',
      '    environment: {A: [1]}',
      '    labels: [{a: b}]',
      '    deploy: {replicas: 1.5}',
      '    privileged: 1',
      '    networks: default',
      '    cgroup: shared',
      '    volumes: [{type: nfs, target: /x}]',
      '    extra_hosts: {h: {ip: 1}}',
      '',
    ].join('\n');
    assert.deepEqual(problems(yaml), [
      'services.a.image: must be a string (got 5)',
      'services.a.user: must be a string (got 1000)',
      'services.a.command.1: must be a string (got 10)',
      'services.a.healthcheck: must be a mapping (got "curl -f http://x")',
      'services.a.ports: must be a list (got "80:80")',
      'services.a.environment.A: must be a string, number or boolean (got a list)',
      'services.a.labels.0: must be a string (got a mapping)',
      'services.a.deploy.replicas: must be an integer (got 1.5)',
      'services.a.privileged: must be a boolean (got 1)',
      'services.a.networks: must be a list or a mapping (got "default")',
      'services.a.cgroup: "shared" must be one of "host", "private"',
      'services.a.volumes.0.type: "nfs" must be one of "bind", "volume", "tmpfs", "cluster", "npipe", "image"',
      'services.a.extra_hosts.h: must be a string or a list (got a mapping)',
    ]);
  });

  it('accepts every alternative the specification allows', () => {
    const yaml = [
      'services:',
      '  a:',
      '    image: a',
      '    command: null',
      '    entrypoint: ["/bin/sh", "-c"]',
      '    expose: [80, "443"]',
      '    ports: [80, "8080:80", {target: "81", published: 8081}]',
      '    environment: {A: 1, B: true, C: null, D: x}',
      '    labels: [a=b]',
      '    dns: 8.8.8.8',
      '    tmpfs: /run',
      '    env_file: a.env',
      '    extra_hosts: {h: [10.0.0.1, 10.0.0.2]}',
      '    ulimits: {nproc: 10, nofile: {soft: "1", hard: 2}}',
      '    build: .',
      '    networks: {default: null}',
      '    devices: ["/dev/a:/dev/a", {source: /dev/b}]',
      '    gpus: all',
      '    pid: null',
      '    deploy: null',
      'volumes: {v: null}',
      'networks: {default: null}',
      '',
    ].join('\n');
    assert.deepEqual(problems(yaml), []);
  });

  it('requires the keys the specification requires in list entries', () => {
    const yaml = [
      'services:',
      '  a:',
      '    image: a',
      '    volumes: [{source: v, target: /v}]',
      '    devices: [{target: /dev/x}]',
      '    env_file: [{required: false}]',
      '    ulimits: {nofile: {soft: 1}}',
      '    extends: {file: other.yml}',
      '',
    ].join('\n');
    assert.deepEqual(problems(yaml), [
      'services.a.volumes.0.type: is required',
      'services.a.devices.0.source: is required',
      'services.a.env_file.0.path: is required',
      'services.a.ulimits.nofile.hard: is required',
      'services.a.extends.service: is required',
    ]);
  });

  it('checks names: services, resources, ulimits, container_name and profiles', () => {
    const yaml = [
      'services:',
      '  "my app": {image: a}',
      '  b:',
      '    image: b',
      '    container_name: "-b"',
      '    profiles: [debug, "-x", "a b"]',
      '    ulimits: {NOFILE: 1}',
      'networks: {"front end": {}}',
      '',
    ].join('\n');
    assert.deepEqual(problems(yaml), [
      'services.my app: invalid name "my app" (use letters, digits, ".", "_", "-")',
      'services.b.container_name: "-b" is not a valid container name (use [a-zA-Z0-9][a-zA-Z0-9_.-]+)',
      'services.b.profiles.1: "-x" is not a valid profile name (use [a-zA-Z0-9][a-zA-Z0-9_.-]+)',
      'services.b.profiles.2: "a b" is not a valid profile name (use [a-zA-Z0-9][a-zA-Z0-9_.-]+)',
      'services.b.ulimits.NOFILE: invalid key "NOFILE" (use lowercase letters)',
      'networks.front end: invalid name "front end" (use letters, digits, ".", "_", "-")',
    ]);
  });

  it('skips !reset values and checks what !override puts in place', () => {
    const doc = {
      services: {
        a: {
          ports: new ResetTag(5),
          healthcheck: new OverrideTag({ test: ['NONE'], intervall: '1s' }),
        },
      },
    };
    const issues: Issue[] = [];
    checkSchema(doc, { file: 'o.yml', baseDir: '/', issues });
    assert.deepEqual(
      issues.map((i) => `${i.path}: ${i.message}`),
      ['services.a.healthcheck.intervall: unknown key "intervall"'],
    );
  });

  it('checks values after interpolation and Compose type casts', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    user: ${UID}',
        '    deploy: {replicas: "${N}"}',
        '',
      ].join('\n'),
    });
    const project = await load(dir, { env: { UID: '1000', N: '2' } });
    assert.equal(project.services.a?.user, '1000');
    assert.equal(project.services.a?.replicas, 2);
  });
});

describe('loadProject: schema problems reach the user once each', () => {
  it('reports a wrong shape once, from the schema, not again from the converters', async () => {
    const dir = fixture({
      'compose.yaml':
        'services:\n  a:\n    image: a\n    ports: "80:80"\n    depends_on: {b: {condition: ready}}\n  b: {image: b}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.ports: must be a list (got "80:80")',
      'compose.yaml › services.a.depends_on.b.condition: "ready" must be one of "service_started", "service_healthy", "service_completed_successfully"',
    ]);
  });
});
