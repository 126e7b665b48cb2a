// Every real-world stack of shared/corpus/real loads (or fails) as Docker Compose would.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CORPUS } from '../../test/support/corpus.js';
import { load, loadErrors } from './test-fixtures.js';

/** A writable copy: single-file stacks become compose.yaml + .env, folders are copied whole. */
function stack(name: string, envExample?: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rehearsa-corpus-')), name);
  if (existsSync(join(CORPUS, `${name}.yml`))) {
    mkdirSync(dir);
    copyFileSync(join(CORPUS, `${name}.yml`), join(dir, 'compose.yaml'));
    if (existsSync(join(CORPUS, `${name}.env`))) copyFileSync(join(CORPUS, `${name}.env`), join(dir, '.env'));
  } else {
    cpSync(join(CORPUS, name), dir, { recursive: true });
    if (envExample) copyFileSync(join(dir, envExample), join(dir, '.env'));
  }
  return dir;
}

const dep = (condition: string, origin = 'depends_on', restart = false, required = true) => ({
  condition,
  required,
  restart,
  origin,
});

describe('corpus: real stacks', { skip: !existsSync(CORPUS) && 'corpus not present' }, () => {
  it('sentry-self-hosted: healthcheck durations from .env, merge lists, external volumes', async () => {
    const p = await load(stack('sentry-self-hosted'));
    assert.equal(Object.keys(p.services).length, 57);
    assert.equal(p.services.postgres?.image, 'postgres:14.24-bookworm');
    assert.equal(p.services.postgres?.healthcheck?.timeoutMs, 90_000);
    assert.equal(p.services.kafka?.healthcheck?.retries, 30);
    assert.equal(p.services.postgres?.shmSizeBytes, 256 * 1024 * 1024);
    assert.deepEqual(p.services.pgbouncer?.dependsOn.postgres, dep('service_healthy'));
    assert.deepEqual(p.services.redis?.ulimits.nofile, { soft: 10032, hard: 10032 });
    assert.deepEqual(p.volumes['sentry-data'], { name: 'sentry-data', external: true, labels: {} });
    assert.equal(p.services['snuba-api']?.environment.SENTRY_EVENT_RETENTION_DAYS, '90');
  });

  it('posthog-hobby: extends across files, replicas 0 one-shots', async () => {
    const dir = stack('posthog-hobby');
    const p = await load(dir, { files: ['docker-compose.hobby.yml'] });
    assert.equal(Object.keys(p.services).length, 23);
    assert.equal(p.services.db?.image, 'postgres:12-alpine');
    assert.deepEqual(p.services.db?.healthcheck?.test, ['CMD-SHELL', 'pg_isready -U posthog']);
    assert.equal(p.services.db?.mounts[0]?.source, join(dir, 'docker/postgres-init-scripts'));
    assert.deepEqual(p.services.redis?.command, [
      'redis-server',
      '--maxmemory-policy',
      'allkeys-lru',
      '--maxmemory',
      '200mb',
    ]);
    assert.ok(Object.values(p.services).some((s) => s.replicas === 0));
    assert.ok(p.unsetVariables.includes('DOMAIN'));
  });

  it('appwrite: COMPOSE_PROFILES from .env, anchors, interpolated healthcheck', async () => {
    const p = await load(stack('appwrite'));
    assert.equal(Object.keys(p.services).length, 18);
    assert.ok(p.disabledServices.includes('appwrite-worker-builds'));
    assert.equal(p.services.traefik?.image, 'traefik:3.6');
    assert.deepEqual(p.services.traefik?.dependsOn.appwrite, dep('service_started'));
    assert.equal(p.services.appwrite?.healthcheck?.intervalMs, 5000);
    assert.equal(p.services.appwrite?.environment._APP_ENV, 'development');
    assert.equal(p.networks.gateway?.name, 'gateway');
  });

  it('anandslab-traefik-hs: interpolated include paths, profiles; fails without its host variables', async () => {
    const dir = stack('anandslab-traefik-hs', '.env.example');
    const errors = await loadErrors(dir, { env: { HOSTNAME: 'hs' }, files: ['docker-compose-hs.yml'] });
    assert.ok(
      errors.includes(
        'compose/hs/qbittorrent.yml › services.qbittorrent.volumes.1: ":/data/downloads" is not a valid volume (use SOURCE:TARGET[:MODE])',
      ),
    );
    const env = { HOSTNAME: 'hs', DATADIR: '/mnt/data', DOWNLOADSDIR: '/mnt/dl', EXTDRIVE: '/mnt/ext' };
    const p = await load(dir, { env, files: ['docker-compose-hs.yml'], profiles: ['core', 'media'] });
    assert.equal(Object.keys(p.services).length, 16);
    assert.ok(p.services.traefik?.image?.startsWith('traefik'));
    assert.equal(p.networks.t3_proxy?.name, 't3_proxy');
    assert.equal(p.secrets.cf_dns_api_token?.file, '/home/username/docker/secrets/cf_dns_api_token');
    const all = await loadErrors(dir, { env, files: ['docker-compose-hs.yml'], profiles: ['all'] });
    assert.ok(all.some((e) => e.includes('env file /home/username/docker/appdata/firefly/firefly.env not found')));
  });

  it('docker-compose-nas: COMPOSE_FILE list from .env; absent env_file is named once its profile is on', async () => {
    const dir = stack('docker-compose-nas', '.env.example');
    const p = await load(dir);
    assert.equal(p.files.length, 8);
    assert.equal(Object.keys(p.services).length, 13);
    const errors = await loadErrors(dir, { profiles: ['vaultwarden'] });
    assert.ok(
      errors.some((e) => /env file vaultwarden\/\.env not found/.test(e)),
      errors.join('\n'),
    );
  });

  it('mailcow: IP-bound port from an interpolated default, unset variables recorded', async () => {
    const dir = stack('mailcow');
    const p = await load(dir);
    assert.deepEqual(p.services['mysql-mailcow']?.ports, [
      { target: 3306, protocol: 'tcp', published: '13306', hostIp: '127.0.0.1', mode: 'ingress' },
    ]);
    assert.equal(p.services['mysql-mailcow']?.image, 'mariadb:10.11');
    assert.deepEqual(p.services['mysql-mailcow']?.dependsOn['unbound-mailcow'], dep('service_started'));
    assert.deepEqual(p.services['redis-mailcow']?.entrypoint, ['/bin/sh', '/redis-conf.sh']);
    assert.ok(p.unsetVariables.includes('DBPASS'));
    assert.equal(p.networks['mailcow-network']?.name, 'mailcow_mailcow-network');
  });

  it('supabase: service_healthy chains and $$ in entrypoints', async () => {
    const p = await load(stack('supabase'));
    assert.equal(Object.keys(p.services).length, 13);
    assert.equal(p.name, 'supabase');
    assert.deepEqual(p.services.auth?.dependsOn.db, dep('service_healthy'));
    assert.equal(p.services.auth?.healthcheck?.intervalMs, 5000);
    assert.equal(p.services.kong?.entrypoint?.[0], 'bash');
    assert.match(p.services.kong?.entrypoint?.[2] ?? '', /\$\(cat ~\/temp\.yml\)/);
    assert.equal(p.services.studio?.environment.POSTGRES_PASSWORD, 'your-super-secret-and-long-postgres-password');
  });

  it('frappe-erpnext-pwd: one-shot configurator with service_completed_successfully', async () => {
    const p = await load(stack('frappe-erpnext-pwd'));
    assert.deepEqual(p.services.backend?.dependsOn.configurator, dep('service_completed_successfully'));
    assert.deepEqual(p.services.configurator?.entrypoint, ['bash', '-c']);
    assert.equal(p.services.configurator?.deployRestartCondition, 'none');
    assert.equal(p.services.backend?.image, 'frappe/erpnext:v16.32.3');
    assert.equal(p.volumes.sites?.name, 'frappe-erpnext-pwd_sites');
  });

  it('frappe-docker: anchors with merge keys, service_completed_successfully', async () => {
    const p = await load(stack('frappe-docker', 'example.env'), { files: ['compose.yaml'] });
    assert.equal(Object.keys(p.services).length, 7);
    assert.deepEqual(p.services.backend?.dependsOn.configurator, dep('service_completed_successfully'));
    assert.equal(p.services.backend?.restart, 'unless-stopped');
    assert.equal(p.services.configurator?.restart, 'on-failure');
    assert.equal(p.services.backend?.environment.GUNICORN_WORKERS, '2');
  });

  it('netbox-docker: env_file from env/, service anchors, dash default', async () => {
    const p = await load(stack('netbox-docker'));
    assert.equal(p.services.netbox?.image, 'docker.io/netboxcommunity/netbox:v4.1-3.0.2');
    assert.equal(p.services.netbox?.environment.DB_HOST, 'postgres');
    assert.deepEqual(p.services.netbox?.healthcheck, {
      disabled: false,
      test: ['CMD-SHELL', 'curl -f http://localhost:8080/login/ || exit 1'],
      intervalMs: 15_000,
      timeoutMs: 3000,
      startPeriodMs: 90_000,
    });
    assert.deepEqual(p.services['netbox-worker']?.dependsOn.netbox, dep('service_healthy'));
    assert.equal(p.services['netbox-worker']?.environment.DB_HOST, 'postgres');
  });

  it('penpot: merge lists of map anchors', async () => {
    const p = await load(stack('penpot'));
    assert.equal(p.services['penpot-frontend']?.image, 'penpotapp/frontend:2.16');
    assert.match(p.services['penpot-backend']?.environment.PENPOT_FLAGS ?? '', /enable-smtp/);
    assert.equal(p.services['penpot-backend']?.environment.PENPOT_PUBLIC_URI, 'http://localhost:9001');
    assert.deepEqual(p.services['penpot-backend']?.dependsOn['penpot-postgres'], dep('service_healthy'));
    assert.deepEqual(
      p.services['penpot-frontend']?.ports.map((x) => `${x.published}:${x.target}`),
      ['9001:8080'],
    );
  });

  it('zulip: fails like Compose, its secrets are declared only in an override file', async () => {
    const errors = await loadErrors(stack('zulip'));
    assert.ok(
      errors.includes(
        'compose.yaml › services.database.secrets: refers to undefined secret "zulip__postgres_password" (declare it under top-level secrets)',
      ),
    );
  });

  it('authentik: without its .env fails naming PG_PASS', async () => {
    const errors = await loadErrors(stack('authentik'));
    assert.ok(
      errors.some(
        (e) =>
          e.startsWith('compose.yaml › services.postgresql.environment.POSTGRES_PASSWORD:') && e.includes('PG_PASS'),
      ),
    );
    assert.ok(errors.some((e) => e.includes('env file .env not found')));
  });

  it('authentik: loads once PG_PASS and the secret key are provided', async () => {
    const dir = stack('authentik');
    writeFileSync(join(dir, '.env'), 'PG_PASS=secret\nAUTHENTIK_SECRET_KEY=key\n');
    const p = await load(dir);
    assert.equal(p.services.postgresql?.environment.POSTGRES_PASSWORD, 'secret');
    assert.equal(p.services.postgresql?.healthcheck?.startPeriodMs, 20_000);
    assert.deepEqual(p.services.server?.dependsOn.postgresql, dep('service_healthy'));
  });

  it('immich: bind sources from .env, disable:false healthcheck, shm_size', async () => {
    const dir = stack('immich');
    const p = await load(dir);
    assert.equal(p.name, 'immich');
    assert.equal(p.services['immich-server']?.mounts[0]?.source, join(dir, 'library'));
    assert.equal(p.services['immich-server']?.healthcheck, undefined);
    assert.equal(p.services['immich-server']?.environment.DB_DATABASE_NAME, 'immich');
    assert.deepEqual(p.services.redis?.healthcheck?.test, ['CMD-SHELL', 'redis-cli ping || exit 1']);
    assert.equal(p.services.database?.shmSizeBytes, 128 * 1024 * 1024);
  });

  it('techhut-media-arr: network_mode service:gluetun with an explicit healthy+restart dependency', async () => {
    const p = await load(stack('techhut-media-arr'));
    assert.equal(p.services.qbittorrent?.networkMode, 'service:gluetun');
    assert.deepEqual(p.services.qbittorrent?.networks, {});
    assert.deepEqual(p.services.qbittorrent?.dependsOn.gluetun, dep('service_healthy', 'depends_on', true));
    assert.equal(p.services.gluetun?.healthcheck?.intervalMs, 20_000);
    assert.equal(p.services.deunhealth?.networkMode, 'none');
    assert.equal(p.services.gluetun?.environment.TZ, 'America/Los_Angeles');
  });

  it('loki-ssd: scalar anchors, replicas 3, obsolete version warning', async () => {
    const p = await load(stack('loki-ssd'));
    assert.equal(p.services.init?.image, 'grafana/loki:2.9.10');
    assert.deepEqual(p.services.init?.entrypoint, ['chown', '10001:10001', '/loki']);
    assert.ok(Object.values(p.services).some((s) => s.replicas === 3));
    assert.deepEqual(
      p.warnings.map((w) => w.path),
      ['version'],
    );
  });

  it('forgejo-runner: second -f file references a service of the first', async () => {
    const p = await load(stack('forgejo-runner'), {
      files: ['compose-forgejo-and-runner.yml', 'compose-demo-workflow.yml'],
    });
    assert.equal(Object.keys(p.services).length, 5);
    assert.equal(p.services.forgejo?.image, 'code.forgejo.org/forgejo/forgejo:11.0');
    assert.equal(p.services.forgejo?.command?.[0], 'bash');
    assert.deepEqual(
      p.services.forgejo?.ports.map((x) => `${x.published}:${x.target}`),
      ['8080:3000'],
    );
    assert.equal(p.services['docker-in-docker']?.environment.DOCKER_TLS_CERTDIR, '/certs');
  });

  it('paperless-ngx: project name from .env, env_file with another name', async () => {
    const dir = stack('paperless-ngx');
    const p = await load(dir, { files: ['docker-compose.postgres-tika.yml'] });
    assert.equal(p.name, 'paperless');
    assert.equal(p.volumes.pgdata?.name, 'paperless_pgdata');
    assert.equal(p.services.db?.environment.POSTGRES_DB, 'paperless');
    assert.ok(Object.keys(p.services.webserver?.dependsOn ?? {}).includes('db'));
    assert.ok(p.services.webserver?.mounts.some((m) => m.source === join(dir, 'consume')));
  });

  it('nextcloud-postgres-fpm-proxy: build context, two networks, env_file db.env', async () => {
    const dir = stack('nextcloud-postgres-fpm-proxy');
    const p = await load(dir);
    assert.equal(p.services.db?.environment.POSTGRES_DB, 'nextcloud');
    assert.equal(p.services.proxy?.build?.context, join(dir, 'proxy'));
    assert.equal(p.services.proxy?.build?.dockerfile, 'Dockerfile');
    assert.equal(p.networks['proxy-tier']?.name, 'nextcloud-postgres-fpm-proxy_proxy-tier');
    assert.deepEqual(p.services.db?.networks, { default: { aliases: [] } });
  });

  it('mailu-core: empty default mid-string, 127.0.0.1 ports, env_file mailu.env', async () => {
    const p = await load(stack('mailu-core'));
    assert.equal(p.services.front?.image, 'mailu/nginx:local');
    assert.equal(p.services.front?.ports[0]?.hostIp, '127.0.0.1');
    assert.equal(p.services.front?.environment.DOMAIN, 'mailu.io');
    assert.equal(p.networks.noinet?.internal, true);
  });

  it('docker-mailserver: 24 KB env_file and many ports', async () => {
    const p = await load(stack('docker-mailserver'));
    const ms = p.services.mailserver;
    assert.equal(ms?.image, 'ghcr.io/docker-mailserver/docker-mailserver:latest');
    assert.equal(ms?.environment.ENABLE_UPDATE_CHECK, '1');
    assert.deepEqual(
      ms?.ports.map((x) => x.target),
      [25, 143, 465, 587, 993],
    );
    assert.equal(ms?.stopGracePeriodMs, 60_000);
  });

  it('dockprom: defaults, expose-only ports, privileged cadvisor', async () => {
    const p = await load(stack('dockprom'));
    assert.equal(p.services.prometheus?.image, 'prom/prometheus:v3.4.2');
    assert.equal(p.services.cadvisor?.privileged, true);
    assert.ok((p.services.cadvisor?.devices.length ?? 0) > 0);
    assert.equal(p.services.grafana?.environment.GF_SECURITY_ADMIN_USER, 'admin');
    assert.deepEqual(p.services.nodeexporter?.mounts[2], {
      type: 'bind',
      source: '/',
      target: '/rootfs',
      readOnly: true,
      bind: { createHostPath: true },
    });
  });

  it('media-stack: every service sits behind a profile', async () => {
    const dir = stack('media-stack');
    const p = await load(dir);
    assert.deepEqual(Object.keys(p.services), []);
    assert.deepEqual(p.disabledServices, [
      'jellyfin',
      'prowlarr',
      'qbittorrent',
      'radarr',
      'recommendarr',
      'seerr',
      'sonarr',
      'vpn',
    ]);
    const noVpn = await load(dir, { profiles: ['no-vpn'] });
    assert.ok(Object.keys(noVpn.services).includes('radarr'));
    assert.ok(!Object.keys(noVpn.services).includes('vpn'));
  });

  it('techhut-jellyfin: UDP ports and relative binds', async () => {
    const dir = stack('techhut-jellyfin');
    const p = await load(dir);
    assert.deepEqual(
      p.services.jellyfin?.ports.map((x) => `${x.published}/${x.protocol}`),
      ['8096/tcp', '7359/udp', '1900/udp'],
    );
    assert.equal(p.services.jellyfin?.mounts[0]?.source, join(dir, 'config'));
    assert.equal(p.services['jellystat-db']?.image, 'postgres:15.2');
  });

  it('plausible-ce: ulimits soft/hard and env_file', async () => {
    const p = await load(stack('plausible-ce'));
    assert.ok(Object.values(p.services).some((s) => s.ulimits.nofile?.soft === 262144));
    assert.equal(p.services.plausible_db?.environment.POSTGRES_PASSWORD, 'postgres');
    assert.deepEqual(
      p.warnings.map((w) => w.path),
      ['version'],
    );
  });

  it('awesome-gitea-postgres: the minimal baseline', async () => {
    const p = await load(stack('awesome-gitea-postgres'));
    assert.equal(p.services.gitea?.image, 'gitea/gitea:latest');
    assert.equal(p.services.gitea?.environment.DB_HOST, 'db:5432');
    assert.deepEqual(p.services.db?.mounts, [
      {
        type: 'volume',
        source: 'db_data',
        target: '/var/lib/postgresql/data',
        readOnly: false,
        volume: { nocopy: false },
      },
    ]);
    assert.equal(p.volumes.git_data?.name, 'awesome-gitea-postgres_git_data');
  });
});
