// The shape of a compose file as the Compose Specification's JSON schema describes it (compose-go
// schema/compose-spec.json), written as a table of keys and types. Types are those after interpolation and
// Compose's type casts: where the schema allows "integer or string", a quoted value stays acceptable.

/** One node of the compose file's shape; `checkSchema` reports every value or key that does not fit. */
export type Shape =
  /** A string; `values` restricts it to an enumeration, `pattern` to a syntax (`what` names it in messages). */
  | { kind: 'string'; values?: readonly string[]; pattern?: RegExp; what?: string }
  /** Number (or integer) or string: a string may still be interpolated or parsed later. */
  | { kind: 'number'; integer: boolean }
  /** Boolean or string (`"true"` after interpolation). */
  | { kind: 'boolean' }
  /** Any scalar: string, number or boolean (the normaliser parses it further). */
  | { kind: 'scalar'; nullable: boolean }
  | { kind: 'any' }
  | { kind: 'list'; items: Shape }
  /** A mapping with free keys (optionally matching `keys`) whose values all have one shape. */
  | { kind: 'map'; values: Shape; keys?: RegExp }
  /** A mapping with known keys; `x-*` keys are allowed where the schema allows them. */
  | { kind: 'object'; fields: Readonly<Record<string, Shape>>; extensions: boolean; required?: readonly string[] }
  /** The first alternative whose kind (scalar, list or mapping) matches the value is checked. */
  | { kind: 'oneOf'; options: readonly Shape[] }
  /** The value may also be null (`volumes: {data:}`). */
  | { kind: 'nullable'; shape: Shape };

const str: Shape = { kind: 'string' };
const int: Shape = { kind: 'number', integer: true };
const num: Shape = { kind: 'number', integer: false };
const bool: Shape = { kind: 'boolean' };
const any: Shape = { kind: 'any' };
/** Durations are parsed (and their errors explained) by the normaliser, which hints at the right unit. */
const duration: Shape = { kind: 'scalar', nullable: false };
const enumOf = (...values: string[]): Shape => ({ kind: 'string', values });
const listOf = (items: Shape): Shape => ({ kind: 'list', items });
const mapOf = (values: Shape, keys?: RegExp): Shape => ({ kind: 'map', values, ...(keys ? { keys } : {}) });
const oneOf = (...options: Shape[]): Shape => ({ kind: 'oneOf', options });
const nullable = (shape: Shape): Shape => ({ kind: 'nullable', shape });
const object = (fields: Record<string, Shape>, extensions = true, required?: string[]): Shape => ({
  kind: 'object',
  fields,
  extensions,
  ...(required ? { required } : {}),
});

const NAME_KEY = /^[a-zA-Z0-9._-]+$/;
/** The engine's container-name rule, which the specification also gives profile names. */
const ENGINE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const named = (what: string): Shape => ({ kind: 'string', pattern: ENGINE_NAME, what });
const strings = listOf(str);
const stringOrList = oneOf(str, strings);
const listOrDict = oneOf(mapOf({ kind: 'scalar', nullable: true }), strings);
const command = nullable(oneOf(str, strings));
const options = mapOf({ kind: 'scalar', nullable: true });
const extraHosts = oneOf(mapOf(oneOf(str, strings)), strings);
const ulimits = mapOf(oneOf(int, object({ soft: int, hard: int }, true, ['soft', 'hard'])), /^[a-z]+$/);
const mountRefs = listOf(oneOf(str, object({ source: str, target: str, uid: str, gid: str, mode: num })));
const deviceRequest = object(
  { capabilities: strings, count: int, device_ids: strings, driver: str, options: listOrDict },
  false,
);
const hook = {
  command,
  user: str,
  privileged: bool,
  working_dir: str,
  environment: listOrDict,
};
const updateConfig = object({
  parallelism: int,
  delay: duration,
  failure_action: str,
  monitor: duration,
  max_failure_ratio: num,
  order: enumOf('start-first', 'stop-first'),
});
const blkioLimit = listOf(object({ path: str, rate: int }, false));
const external = oneOf(bool, object({ name: str }));

const healthcheck = object({
  disable: bool,
  interval: duration,
  retries: num,
  test: oneOf(str, strings),
  timeout: duration,
  start_period: duration,
  start_interval: duration,
});

const deploy = object({
  mode: str,
  endpoint_mode: str,
  replicas: int,
  labels: listOrDict,
  rollback_config: updateConfig,
  update_config: updateConfig,
  resources: object({
    limits: object({ cpus: num, memory: str, pids: int }),
    reservations: object({
      cpus: num,
      memory: str,
      generic_resources: listOf(object({ discrete_resource_spec: object({ kind: str, value: num }) })),
      devices: listOf(deviceRequest),
    }),
  }),
  restart_policy: object({ condition: str, delay: duration, max_attempts: int, window: duration }),
  placement: object({
    constraints: strings,
    preferences: listOf(object({ spread: str })),
    max_replicas_per_node: int,
  }),
});

const build = oneOf(
  str,
  object({
    context: str,
    dockerfile: str,
    dockerfile_inline: str,
    entitlements: strings,
    args: listOrDict,
    ssh: listOrDict,
    labels: listOrDict,
    cache_from: strings,
    cache_to: strings,
    no_cache: bool,
    no_cache_filter: stringOrList,
    additional_contexts: listOrDict,
    network: str,
    provenance: oneOf(str, bool),
    sbom: oneOf(str, bool),
    pull: bool,
    target: str,
    shm_size: int,
    extra_hosts: extraHosts,
    isolation: str,
    privileged: bool,
    secrets: mountRefs,
    tags: strings,
    ulimits,
    platforms: strings,
  }),
);

const service = object({
  annotations: listOrDict,
  attach: bool,
  blkio_config: object(
    {
      device_read_bps: blkioLimit,
      device_read_iops: blkioLimit,
      device_write_bps: blkioLimit,
      device_write_iops: blkioLimit,
      weight: int,
      weight_device: listOf(object({ path: str, weight: int }, false)),
    },
    false,
  ),
  build,
  cap_add: strings,
  cap_drop: strings,
  cgroup: enumOf('host', 'private'),
  cgroup_parent: str,
  command,
  configs: mountRefs,
  container_name: named('container name'),
  cpu_count: int,
  cpu_percent: int,
  cpu_shares: num,
  cpu_quota: num,
  cpu_period: num,
  cpu_rt_period: num,
  cpu_rt_runtime: num,
  cpus: num,
  cpuset: str,
  credential_spec: object({ config: str, file: str, registry: str }),
  depends_on: oneOf(
    strings,
    mapOf(
      object({
        restart: bool,
        required: bool,
        condition: enumOf('service_started', 'service_healthy', 'service_completed_successfully'),
      }),
      NAME_KEY,
    ),
  ),
  deploy: nullable(deploy),
  develop: object({
    watch: listOf(
      object(
        {
          ignore: stringOrList,
          include: stringOrList,
          path: str,
          action: enumOf('rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'),
          target: str,
          exec: object(hook, true, ['command']),
          initial_sync: bool,
        },
        true,
        ['path', 'action'],
      ),
    ),
  }),
  device_cgroup_rules: strings,
  devices: listOf(oneOf(str, object({ source: str, target: str, permissions: str }, true, ['source']))),
  dns: stringOrList,
  dns_opt: strings,
  dns_search: stringOrList,
  domainname: str,
  entrypoint: command,
  env_file: oneOf(str, listOf(oneOf(str, object({ path: str, format: str, required: bool }, false, ['path'])))),
  label_file: stringOrList,
  environment: listOrDict,
  expose: listOf(oneOf(str, num)),
  extends: oneOf(str, object({ service: str, file: str }, false, ['service'])),
  provider: object({ type: str, options: mapOf(any) }, true, ['type']),
  external_links: strings,
  extra_hosts: extraHosts,
  gpus: oneOf(enumOf('all'), listOf(deviceRequest)),
  group_add: listOf(oneOf(str, num)),
  healthcheck,
  hostname: str,
  image: str,
  init: bool,
  ipc: str,
  isolation: str,
  labels: listOrDict,
  links: strings,
  logging: object({ driver: str, options }),
  mac_address: str,
  mem_limit: num,
  mem_reservation: int,
  mem_swappiness: int,
  memswap_limit: num,
  network_mode: str,
  models: oneOf(strings, mapOf(nullable(object({ endpoint_var: str, model_var: str })), NAME_KEY)),
  networks: oneOf(
    strings,
    mapOf(
      nullable(
        object({
          aliases: strings,
          interface_name: str,
          ipv4_address: str,
          ipv6_address: str,
          link_local_ips: strings,
          mac_address: str,
          driver_opts: options,
          priority: num,
          gw_priority: num,
        }),
      ),
      NAME_KEY,
    ),
  ),
  oom_kill_disable: bool,
  oom_score_adj: int,
  pid: nullable(str),
  pids_limit: num,
  platform: str,
  ports: listOf(
    oneOf(
      num,
      object({
        name: str,
        mode: str,
        host_ip: str,
        target: int,
        published: oneOf(str, int),
        protocol: str,
        app_protocol: str,
      }),
    ),
  ),
  pre_start: listOf(object({ ...hook, image: str, per_replica: bool }, true, ['command'])),
  post_start: listOf(object(hook, true, ['command'])),
  pre_stop: listOf(object(hook, true, ['command'])),
  privileged: bool,
  profiles: listOf(named('profile name')),
  pull_policy: str,
  pull_refresh_after: str,
  read_only: bool,
  restart: str,
  runtime: str,
  scale: int,
  security_opt: strings,
  shm_size: num,
  secrets: mountRefs,
  sysctls: listOrDict,
  stdin_open: bool,
  stop_grace_period: duration,
  stop_signal: str,
  storage_opt: mapOf(any),
  tmpfs: stringOrList,
  tty: bool,
  ulimits,
  use_api_socket: bool,
  user: str,
  uts: str,
  userns_mode: str,
  volumes: listOf(
    oneOf(
      str,
      object(
        {
          type: enumOf('bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'),
          source: str,
          target: str,
          read_only: bool,
          consistency: str,
          bind: object({
            propagation: str,
            create_host_path: bool,
            recursive: enumOf('enabled', 'disabled', 'writable', 'readonly'),
            selinux: enumOf('z', 'Z'),
          }),
          volume: object({ labels: listOrDict, nocopy: bool, subpath: str }),
          tmpfs: object({ size: int, mode: num }),
          image: object({ subpath: str }),
        },
        true,
        ['type'],
      ),
    ),
  ),
  volumes_from: strings,
  working_dir: str,
});

const network = object({
  name: str,
  driver: str,
  driver_opts: options,
  ipam: object({
    driver: str,
    config: listOf(object({ subnet: str, ip_range: str, gateway: str, aux_addresses: mapOf(str) })),
    options: mapOf(str),
  }),
  external,
  internal: bool,
  enable_ipv4: bool,
  enable_ipv6: bool,
  attachable: bool,
  labels: listOrDict,
});

const volume = object({ name: str, driver: str, driver_opts: options, external, labels: listOrDict });

const secret = object({
  name: str,
  environment: str,
  file: str,
  external,
  labels: listOrDict,
  driver: str,
  driver_opts: options,
  template_driver: str,
});

const config = object({
  name: str,
  content: str,
  environment: str,
  file: str,
  external,
  labels: listOrDict,
  template_driver: str,
});

const model = object({ name: str, model: str, context_size: int, runtime_flags: strings }, true, ['model']);

/** The whole compose file: every key Compose knows, nested, with its type. */
export const COMPOSE_SCHEMA: Shape = object({
  version: str,
  name: str,
  include: listOf(
    oneOf(str, object({ path: stringOrList, env_file: stringOrList, project_directory: str }, false, ['path'])),
  ),
  services: mapOf(service, NAME_KEY),
  models: mapOf(model, NAME_KEY),
  networks: mapOf(nullable(network), NAME_KEY),
  volumes: mapOf(nullable(volume), NAME_KEY),
  secrets: mapOf(secret, NAME_KEY),
  configs: mapOf(config, NAME_KEY),
});
