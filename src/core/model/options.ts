// The onnxruntime session options every session of a model uses (encoder, head, ablation graph, benchmarks).
import type * as ort from 'onnxruntime-node';

/** docs/TECH-NOTES.md §5.1: few threads, no idle spinning (an editor must not burn CPU between runs). */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
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
