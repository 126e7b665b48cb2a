// Pure readiness model: engine events fold into one state per container; conditions are judged from it.

import type { EngineEvent, HealthStatus } from '../engine/engine.js';
import type { DependencyCondition } from '../model.js';

export interface ContainerReadiness {
  /** Engine-observed lifecycle. */
  status: 'created' | 'running' | 'exited';
  health: HealthStatus;
  exitCode?: number;
  oomKilled: boolean;
  /** Times the container started; more than one means the engine restarted it. */
  starts: number;
  createdAtMs?: number;
  startedAtMs?: number;
  /** First moment it was ready: healthy, or running when it has no healthcheck. */
  readyAtMs?: number;
  exitedAtMs?: number;
  /** Set once the container was ready and then died, restarted or turned unhealthy. */
  relapsed: boolean;
}

/** The state of a container that was just created and has not been observed yet. */
export function initialReadiness(hasHealthcheck: boolean): ContainerReadiness {
  return {
    status: 'created',
    health: hasHealthcheck ? 'starting' : 'none',
    oomKilled: false,
    starts: 0,
    relapsed: false,
  };
}

/** Folds one engine event into a container's readiness; unknown actions leave it unchanged. */
export function reduceReadiness(state: ContainerReadiness, event: EngineEvent): ContainerReadiness {
  const at = event.timeMs;
  switch (event.action) {
    case 'create':
      return { ...state, createdAtMs: state.createdAtMs ?? at };
    case 'start': {
      const next: ContainerReadiness = {
        ...state,
        status: 'running',
        starts: state.starts + 1,
        startedAtMs: state.startedAtMs ?? at,
        relapsed: state.relapsed || state.starts > 0,
      };
      // A restarted container's health starts over; one without a healthcheck is ready once running.
      if (state.health !== 'none') next.health = 'starting';
      if (state.health === 'none' && next.readyAtMs === undefined) next.readyAtMs = at;
      return next;
    }
    case 'die':
      return {
        ...state,
        status: 'exited',
        exitCode: event.exitCode ?? state.exitCode,
        exitedAtMs: at,
        relapsed: state.relapsed || state.readyAtMs !== undefined,
      };
    case 'oom':
      return { ...state, oomKilled: true };
    case 'health_status': {
      const health = event.health ?? state.health;
      return {
        ...state,
        health,
        readyAtMs: state.readyAtMs ?? (health === 'healthy' ? at : undefined),
        relapsed: state.relapsed || (health === 'unhealthy' && state.readyAtMs !== undefined),
      };
    }
    default:
      return state;
  }
}

export type ConditionState = 'pending' | 'met' | 'failed';

/** Judges a depends_on condition against the dependency's readiness, as Docker Compose does. */
export function judgeCondition(
  condition: DependencyCondition,
  state: ContainerReadiness,
): { state: ConditionState; why?: string } {
  switch (condition) {
    case 'service_started':
      if (state.starts > 0) return { state: 'met' };
      return { state: 'pending' };
    case 'service_healthy':
      if (state.health === 'none') return { state: 'failed', why: 'has no healthcheck' };
      if (state.health === 'healthy' && state.status === 'running') return { state: 'met' };
      if (state.health === 'unhealthy') return { state: 'failed', why: 'is unhealthy' };
      if (state.status === 'exited') return { state: 'failed', why: `exited with code ${state.exitCode ?? '?'}` };
      return { state: 'pending' };
    case 'service_completed_successfully':
      if (state.status !== 'exited') return { state: 'pending' };
      return state.exitCode === 0 ? { state: 'met' } : { state: 'failed', why: `exited with code ${state.exitCode}` };
  }
}

/** True once the container reached a state that will not change without the engine restarting it. */
export function isSettled(state: ContainerReadiness, hasHealthcheck: boolean, oneShot: boolean): boolean {
  if (state.status === 'exited') return true;
  if (oneShot) return false;
  if (state.status !== 'running') return false;
  return hasHealthcheck ? state.health === 'healthy' || state.health === 'unhealthy' : true;
}

/** What an inspection of the container shows, in the readiness model's terms. */
export interface InspectedReadiness {
  status: string;
  exitCode: number;
  oomKilled: boolean;
  restartCount: number;
  /** Epoch ms of the last exit, when the engine has one. */
  finishedAtMs?: number;
}

/**
 * Adds what an inspection shows but the event stream has not delivered yet (an exit, a restart, an OOM
 * kill), so a container that died a moment before outcomes are collected is not judged as running.
 */
export function reconcileReadiness(state: ContainerReadiness, seen: InspectedReadiness): ContainerReadiness {
  const next: ContainerReadiness = {
    ...state,
    oomKilled: state.oomKilled || seen.oomKilled,
    starts: Math.max(state.starts, seen.restartCount + 1),
  };
  if ((seen.status === 'exited' || seen.status === 'dead') && state.status !== 'exited') {
    next.status = 'exited';
    next.exitCode = seen.exitCode;
    if (seen.finishedAtMs !== undefined) next.exitedAtMs = seen.finishedAtMs;
    next.relapsed = state.relapsed || state.readyAtMs !== undefined;
  }
  return next;
}
