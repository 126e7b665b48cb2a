import type { EngineEvent } from '../engine/engine.js';
import { SERVICE_LABEL } from '../plan/labels.js';
import { type ContainerReadiness, initialReadiness, reduceReadiness } from './readiness.js';

/** What a waiter is told: a value, or that the deadline passed first. */
export type WaitResult<T> = { value: T } | { timedOut: true };

/**
 * Holds the readiness of every service of one run, fed by engine events, and wakes waiters on change.
 * The only mutable state of a boot; owned by one bootServices call.
 */
export class ReadinessTracker {
  private readonly states = new Map<string, ContainerReadiness>();
  private readonly listeners = new Set<() => void>();
  private readonly pending = new Map<string, EngineEvent[]>();
  private readonly healthchecked = new Map<string, boolean>();
  /** Called for every event folded into a known service, after the fold. */
  onEvent: (service: string, event: EngineEvent, state: ContainerReadiness) => void = () => {};

  /** Starts tracking a service whose container was just created; replays events that arrived before. */
  register(service: string, hasHealthcheck: boolean): void {
    this.healthchecked.set(service, hasHealthcheck);
    this.states.set(service, initialReadiness(hasHealthcheck));
    for (const event of this.pending.get(service) ?? []) this.fold(service, event);
    this.pending.delete(service);
    this.notify();
  }

  /** Folds an engine event into the state of the service named by its label. */
  apply(event: EngineEvent): void {
    const service = event.labels[SERVICE_LABEL];
    if (!service) return;
    if (!this.states.has(service)) {
      // Events can outrun the create call's response; keep them until the service is registered.
      this.pending.set(service, [...(this.pending.get(service) ?? []), event]);
      return;
    }
    this.fold(service, event);
    this.notify();
  }

  get(service: string): ContainerReadiness | undefined {
    return this.states.get(service);
  }

  /** Wakes every waiter so it re-checks (used on deadlines and external changes). */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Resolves with the first non-undefined value of `check`, re-evaluated on every change; resolves
   * `timedOut` at the deadline; rejects when the signal aborts.
   */
  waitFor<T>(
    check: () => T | undefined,
    deadlineMs: number,
    signal: AbortSignal,
    now: () => number,
  ): Promise<WaitResult<T>> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: WaitResult<T> | Error) => {
        this.listeners.delete(listener);
        signal.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const listener = () => {
        const value = check();
        if (value !== undefined) finish({ value });
        else if (now() >= deadlineMs) finish({ timedOut: true });
      };
      // A timer can fire a little before `now()` reaches the deadline: re-arm it until it does, or the wait
      // would hang until some unrelated event arrived (forever on a quiet stack).
      const onTimer = () => {
        timer = undefined;
        listener();
        if (this.listeners.has(listener)) timer = setTimeout(onTimer, Math.max(1, deadlineMs - now()));
      };
      const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) return onAbort();
      this.listeners.add(listener);
      signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(onTimer, Math.max(0, deadlineMs - now()));
      listener();
    });
  }

  private fold(service: string, event: EngineEvent): void {
    const next = reduceReadiness(this.states.get(service)!, event);
    this.states.set(service, next);
    this.onEvent(service, event, next);
  }
}
