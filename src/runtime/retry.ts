/**
 * The one retry wrapper: every retry in bake goes through here with an explicit answer to "is
 * this error worth retrying?", never a bare loop. Non-retryable errors fail at once.
 */
import pRetry, { AbortError } from 'p-retry';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor?: number;
  isRetryable(error: unknown): boolean;
  onRetry?(error: unknown, attempt: number): void;
  signal?: AbortSignal;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  return pRetry(
    async (attempt) => {
      try {
        return await fn(attempt);
      } catch (e) {
        if (!policy.isRetryable(e)) throw new AbortError(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    },
    {
      retries: policy.retries,
      minTimeout: policy.minTimeoutMs,
      maxTimeout: policy.maxTimeoutMs,
      factor: policy.factor ?? 2,
      randomize: false,
      ...(policy.signal ? { signal: policy.signal } : {}),
      onFailedAttempt: ({ error, attemptNumber }) => policy.onRetry?.(error, attemptNumber),
    },
  );
}
