/** How an image reference names its content: by digest (fixed), by a version tag, or by a tag that moves. */
export type ImagePin = 'digest' | 'tag' | 'latest' | 'untagged';

/**
 * Classifies an image reference as written. A colon counts as a tag separator only after the last `/`, so
 * `registry:5000/app` is untagged while `registry:5000/app:1.2` is tagged; any `@digest` pins the content.
 */
export function imagePin(ref: string): ImagePin {
  if (ref.includes('@')) return 'digest';
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  if (colon === -1) return 'untagged';
  return name.slice(colon + 1) === 'latest' ? 'latest' : 'tag';
}
