import { InvalidArgumentError } from 'commander';

/** A commander parser accepting whole numbers from min to max; anything else is a usage error (exit 2). */
export function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
}

/** A commander parser refusing an empty value, which would otherwise silently mean "the default". */
export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}
