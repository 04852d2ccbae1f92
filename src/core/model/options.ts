// The onnxruntime session options every session of a model uses (encoder, head, ablation graph, benchmarks).
import type * as ort from 'onnxruntime-node';
import { disableOrtTelemetry } from './telemetry';

/** The most intra-op threads a session gets (the extension's bertLens.threads maximum, the CLI's --threads): far more
 * than any machine runs well on, and a typo such as 100000 would otherwise start that many threads and hang. */
export const MAX_THREADS = 64;

/** docs/TECH-NOTES.md §5.1: few threads, no idle spinning (an editor must not burn CPU between runs). */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  disableOrtTelemetry(); // every session is created with these options, so this runs before onnxruntime starts
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    // Errors only: ORT's graph-cleanup warnings would otherwise land on the CLI's stderr and the extension log.
    logSeverityLevel: 3,
  };
}
