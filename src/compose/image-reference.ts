import type { ComposeProject, Issue } from '../model.js';

// Docker's reference grammar: [domain[:port]/]path[:tag][@digest], path components lowercase.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`);

/** Whether `image` is a reference the engine can parse (it rejects others only at pull or create time). */
export function isValidImageReference(image: string): boolean {
  return image.length <= 255 && REFERENCE.test(image);
}

/** One issue per service whose `image` the engine would refuse, so the run stops before anything is created. */
export function checkImageReferences(project: ComposeProject, file: string | undefined): Issue[] {
  return Object.values(project.services)
    .filter((s) => s.image !== undefined && !isValidImageReference(s.image))
    .map((s) => ({
      file,
      path: `services.${s.name}.image`,
      message: `${JSON.stringify(s.image)} is not a valid image reference (repository names are lowercase; a tag is letters, digits, '.', '_' or '-')`,
      severity: 'error' as const,
    }));
}
