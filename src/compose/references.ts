// A service may only use volumes, networks, secrets and configs declared at the top level.
import { type FileContext, report } from './file-context.js';
import { isMapping, type Mapping, scalarText } from './values.js';

/** Each referencing service key, the top-level section it points into, and the names it uses. */
const REFERENCES: readonly { key: string; section: string; kind: string; names: (value: unknown) => string[] }[] = [
  {
    key: 'volumes',
    section: 'volumes',
    kind: 'volume',
    names: (value) =>
      list(value).flatMap((m) => (m.type === 'volume' && typeof m.source === 'string' ? [m.source] : [])),
  },
  {
    key: 'networks',
    section: 'networks',
    kind: 'network',
    names: (value) => (isMapping(value) ? Object.keys(value) : []),
  },
  {
    key: 'secrets',
    section: 'secrets',
    kind: 'secret',
    names: (value) => list(value).map((s) => scalarText(s.source) ?? ''),
  },
  {
    key: 'configs',
    section: 'configs',
    kind: 'config',
    names: (value) => list(value).map((s) => scalarText(s.source) ?? ''),
  },
];

/** Reports every name the service uses that its project does not declare. */
export function checkReferences(name: string, service: Mapping, model: Mapping, ctx: FileContext): void {
  for (const ref of REFERENCES) {
    const declared = isMapping(model[ref.section]) ? (model[ref.section] as Mapping) : {};
    for (const used of ref.names(service[ref.key])) {
      if (!Object.hasOwn(declared, used)) {
        report(
          ctx,
          `services.${name}.${ref.key}`,
          `refers to undefined ${ref.kind} "${used}" (declare it under top-level ${ref.section})`,
        );
      }
    }
  }
}

function list(value: unknown): Mapping[] {
  return Array.isArray(value) ? value.filter(isMapping) : [];
}
