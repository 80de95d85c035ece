/**
 * Every job name the system queues. A name here without exactly one @JobHandler fails the start-up check.
 * Feature modules add theirs here so the whole list is reviewable in one place.
 */
export const JOB_NAMES = {
  outboxDispatch: 'outbox.dispatch',
} as const;

const registered = new Set<string>(Object.values(JOB_NAMES));

/** Feature modules declare their job names at import time (keeps this file free of feature imports). */
export function declareJobNames(...names: string[]) {
  for (const name of names) registered.add(name);
}

export function declaredJobNames(): string[] {
  return [...registered].sort();
}
